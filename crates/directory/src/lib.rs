//! Cambodia's administrative directory for Our Voice: the 25 provinces, 210 districts and
//! 1,652 communes of the NCDD gazetteer (embedded, see `data/README.md`), the public
//! offices derived from them (commune halls, One Window Service offices and units,
//! citizens' offices), the service categories each office handles, feedback routing,
//! bilingual names and paths, a fast Khmer/Latin place search, and what the app's place
//! picker offers (choices named by their place, browsing province → district → commune).
//!
//! Guarantees: a loaded `Directory` is immutable and internally consistent (every parent
//! exists, every unit has its offices); office and category codes are stable; the
//! embedded directory is parsed once per process.

mod categories;
mod directory;
mod error;
mod fold;
mod model;
mod names;
mod picker;
mod search;

pub use categories::ServiceCategory;
pub use directory::Directory;
pub use error::DirectoryError;
pub use model::{Lang, Office, OfficeType, PlaceRef, Unit, UnitLevel, UnitType};
pub use picker::{BrowseRow, BrowseStep, Choice};
pub use search::{HitKind, MatchRank, SearchHit};
