//! Open311's two formats from one value: JSON as it is, and XML with the element names the
//! GeoReport v2 text gives (`<services><service>…`, `<service_requests><request>…`,
//! `<errors><error>…`).
//!
//! Guarantees: every text is XML-escaped; the same value gives the same fields in both formats.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use ourvoice_protocol::text;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    Json,
    Xml,
}

impl Format {
    /// Splits `requests.json` into (`requests`, Json).
    pub fn split(file: &str) -> Option<(&str, Format)> {
        let (name, extension) = file.rsplit_once('.')?;
        match extension {
            "json" => Some((name, Format::Json)),
            "xml" => Some((name, Format::Xml)),
            _ => None,
        }
    }
}

/// The element name of one item of a list, by the list's name.
fn item_name(list: &str) -> &str {
    match list {
        "services" => "service",
        "service_requests" => "request",
        "attributes" => "attribute",
        "values" => "value",
        "endpoints" => "endpoint",
        "formats" => "format",
        "errors" => "error",
        _ => "item",
    }
}

/// Escapes `text` into `out`, dropping what XML cannot carry and showing disguising characters
/// as `[U+XXXX]` (see [`ourvoice_protocol::text`]).
fn escape(text: &str, out: &mut String) {
    for c in text::neutralised(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !text::is_xml_char(c) => {}
            c => out.push(c),
        }
    }
}

fn element(name: &str, value: &Value, out: &mut String) {
    out.push('<');
    out.push_str(name);
    out.push('>');
    match value {
        Value::Null => {}
        Value::String(text) => escape(text, out),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::Array(items) => {
            for item in items {
                element(item_name(name), item, out);
            }
        }
        Value::Object(fields) => {
            for (key, field) in fields {
                element(key, field, out);
            }
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

/// `value` as an XML document whose root element is `root`.
pub fn to_xml(root: &str, value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
    element(root, value, &mut out);
    out
}

/// The document of `value` in `format` (`root` names the XML root element), with its media type.
fn document(format: Format, root: &str, value: &Value) -> (&'static str, String) {
    match format {
        Format::Json => ("application/json; charset=utf-8", value.to_string()),
        Format::Xml => ("text/xml; charset=utf-8", to_xml(root, value)),
    }
}

/// A listing made to be kept (see [`super::listings`]), as [`respond`] would answer it.
pub fn made(format: Format, root: &str, value: Value) -> super::listings::Made {
    let (content_type, body) = document(format, root, &value);
    super::listings::Made::new(content_type, body)
}

/// An answer in the asked format; `root` names the XML root element.
pub fn respond(format: Format, status: StatusCode, root: &str, value: Value) -> Response {
    let (content_type, body) = document(format, root, &value);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_use_the_spec_element_names_and_text_is_escaped() {
        let value = json!([{ "service_code": "land", "description": "<b>&'\"", "metadata": true }]);
        assert_eq!(
            to_xml("services", &value),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><services><service>\
             <description>&lt;b&gt;&amp;&apos;&quot;</description><metadata>true</metadata>\
             <service_code>land</service_code></service></services>"
        );
        let errors = json!([{ "code": 403, "description": "bad key" }]);
        assert_eq!(
            to_xml("errors", &errors),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>403</code><description>bad key</description></error></errors>"
        );
    }

    #[test]
    fn formats_come_from_the_file_name() {
        assert_eq!(
            Format::split("requests.json"),
            Some(("requests", Format::Json))
        );
        assert_eq!(Format::split("123.xml"), Some(("123", Format::Xml)));
        assert_eq!(Format::split("requests.html"), None);
        assert_eq!(Format::split("requests"), None);
    }
}
