//! Checks over the phone packaging that no build on this machine can make: `Dioxus.toml`,
//! `android/` and `ios/` agree with the app (version, identifier, permissions, HTTPS rules,
//! icon and screenshot sizes, store text within the stores' limits, in Khmer and English).

use std::path::{Path, PathBuf};

/// The checkout under test: read when the test runs (cargo sets it), not baked in at build
/// time, so a build reused from another checkout still reads this one.
fn root() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Width and height of a PNG, from its IHDR chunk.
fn png_size(path: &Path) -> (u32, u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        bytes.len() > 24 && bytes[..8] == *b"\x89PNG\r\n\x1a\n" && bytes[12..16] == *b"IHDR",
        "{} is not a PNG",
        path.display()
    );
    let number =
        |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    (number(16), number(20))
}

fn pngs_in(folder: &str) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "png"))
        .collect();
    found.sort();
    found
}

/// The text of a plist `<key>` entry's `<string>` value.
fn plist_string(plist: &str, key: &str) -> Option<String> {
    let after = plist.split(&format!("<key>{key}</key>")).nth(1)?;
    let value = after.trim_start().strip_prefix("<string>")?;
    Some(value.split("</string>").next()?.to_string())
}

#[test]
fn versions_and_identifiers_agree() {
    let version = env!("CARGO_PKG_VERSION");
    let dioxus = read("Dioxus.toml");
    assert!(
        dioxus.contains(&format!("\nversion = \"{version}\"")),
        "Dioxus.toml [bundle] version is not {version}"
    );
    assert!(dioxus.contains("identifier = \"org.ourvoice.app\""));
    let plist = read("ios/Info.plist");
    assert_eq!(
        plist_string(&plist, "CFBundleShortVersionString").as_deref(),
        Some(version)
    );
    assert_eq!(
        plist_string(&plist, "CFBundleVersion").as_deref(),
        Some(version)
    );
    assert_eq!(
        plist_string(&plist, "CFBundleIdentifier").as_deref(),
        Some("org.ourvoice.app")
    );
    assert_eq!(
        plist_string(&plist, "CFBundleExecutable").as_deref(),
        Some("ourvoice")
    );
    assert_eq!(
        plist_string(&plist, "CFBundleDisplayName").as_deref(),
        Some("សំឡេងយើង")
    );
    assert!(read("android/MainActivity.kt")
        .contains("typealias BuildConfig = org.ourvoice.app.BuildConfig"));
}

#[test]
fn android_asks_only_for_the_network_and_the_microphone() {
    let dioxus = read("Dioxus.toml");
    let permissions: Vec<&str> = dioxus
        .lines()
        .filter_map(|line| line.trim().strip_prefix("[android.permissions.\""))
        .map(|rest| rest.trim_end_matches("\"]"))
        .collect();
    // INTERNET is declared by dx itself. The microphone is for voice messages; the camera app
    // takes photos without any permission as long as CAMERA is not declared.
    assert_eq!(
        permissions,
        [
            "android.permission.ACCESS_NETWORK_STATE",
            "android.permission.RECORD_AUDIO",
            "android.permission.MODIFY_AUDIO_SETTINGS"
        ]
    );
    assert!(
        !dioxus
            .lines()
            .any(|line| line.trim() == "[permissions]" || line.trim().starts_with("[permissions.")),
        "Dioxus.toml asks for a device permission (camera, microphone, location…) no feature uses"
    );
    assert!(dioxus.contains("min_sdk = 24"));
    let overlay = read("android/overlay");
    assert!(overlay.contains(
        "expected=\"android.permission.ACCESS_NETWORK_STATE android.permission.INTERNET android.permission.MODIFY_AUDIO_SETTINGS android.permission.RECORD_AUDIO \""
    ));
}

#[test]
fn photos_come_back_from_the_camera_app_and_its_copies_are_deleted() {
    let overlay = read("android/overlay");
    assert!(overlay.contains("android:authorities=\"${applicationId}.fileprovider\""));
    assert!(overlay.contains("@xml/file_paths"));
    let paths = read("android/res/xml/file_paths.xml");
    assert!(paths.contains("<external-files-path name=\"camera\" path=\"Pictures/\" />"));
    assert_eq!(
        paths.matches("-path ").count(),
        1,
        "only the Pictures folder is shared"
    );
    let activity = read("android/MainActivity.kt");
    assert!(activity.contains("deleteOldCaptures()"));
    assert!(activity.contains("getExternalFilesDir(Environment.DIRECTORY_PICTURES)"));
}

#[test]
fn ios_says_why_it_asks_for_the_camera_photos_and_microphone_in_both_languages() {
    let plist = read("ios/Info.plist");
    for key in [
        "NSCameraUsageDescription",
        "NSPhotoLibraryUsageDescription",
        "NSMicrophoneUsageDescription",
    ] {
        assert!(
            plist_string(&plist, key).is_some_and(|text| !text.is_empty()),
            "{key}"
        );
        for lang in ["km", "en"] {
            let strings = read(&format!("ios/{lang}.lproj/InfoPlist.strings"));
            let line = strings
                .lines()
                .find(|line| line.starts_with(&format!("\"{key}\" = \"")))
                .unwrap_or_else(|| panic!("{lang} lacks {key}"));
            assert!(
                line.ends_with("\";") && line.len() > key.len() + 10,
                "{line}"
            );
        }
    }
    let khmer = read("ios/km.lproj/InfoPlist.strings");
    assert!(khmer.contains("\"NSMicrophoneUsageDescription\" = \"ថត"));
}

#[test]
fn cleartext_only_for_a_testers_local_server_in_debug_builds() {
    let release = read("android/res/xml/network_security_config.xml");
    assert!(release.contains("cleartextTrafficPermitted=\"false\""));
    assert!(!release.contains("cleartextTrafficPermitted=\"true\""));
    let debug = read("android/res-debug/xml/network_security_config.xml");
    assert!(debug.contains("<domain-config cleartextTrafficPermitted=\"true\">"));
    for domain in debug.split("<domain ").skip(1) {
        let name = domain.split('>').nth(1).unwrap().split('<').next().unwrap();
        assert!(
            ["127.0.0.1", "localhost", "10.0.2.2"].contains(&name),
            "cleartext allowed to {name}"
        );
    }
    let plist = read("ios/Info.plist");
    assert!(plist.contains("<key>NSAllowsArbitraryLoads</key>\n\t\t<false/>"));
    assert!(read("ios/overlay").contains("Delete :NSAppTransportSecurity:NSAllowsLocalNetworking"));
}

#[test]
fn ios_speaks_khmer_and_english() {
    let plist = read("ios/Info.plist");
    assert_eq!(
        plist_string(&plist, "CFBundleDevelopmentRegion").as_deref(),
        Some("km")
    );
    assert!(plist.contains("<string>km</string>") && plist.contains("<string>en</string>"));
    assert!(
        read("ios/km.lproj/InfoPlist.strings").contains("\"CFBundleDisplayName\" = \"សំឡេងយើង\";")
    );
    assert!(
        read("ios/en.lproj/InfoPlist.strings").contains("\"CFBundleDisplayName\" = \"Our Voice\";")
    );
    assert!(read("android/res/values/strings.xml").contains(">សំឡេងយើង</string>"));
    assert!(read("android/res/values-en/strings.xml").contains(">Our Voice</string>"));
}

#[test]
fn icons_for_every_density() {
    let check = |path: &str, side: u32| {
        assert_eq!(png_size(&root().join(path)), (side, side), "{path}");
    };
    for (density, legacy, adaptive) in [
        ("mdpi", 48, 108),
        ("hdpi", 72, 162),
        ("xhdpi", 96, 216),
        ("xxhdpi", 144, 324),
        ("xxxhdpi", 192, 432),
    ] {
        check(
            &format!("android/res/mipmap-{density}/ic_launcher.png"),
            legacy,
        );
        check(
            &format!("android/res/mipmap-{density}/ic_launcher_foreground.png"),
            adaptive,
        );
    }
    check("android/store/icon-512.png", 512);
    check("ios/Assets.xcassets/AppIcon.appiconset/icon-1024.png", 1024);
    let dioxus = read("Dioxus.toml");
    let listed: Vec<&str> = dioxus
        .lines()
        .filter_map(|line| line.trim().strip_prefix("\"assets/icon/png/"))
        .collect();
    assert_eq!(listed.len(), 6, "Dioxus.toml [bundle] icon");
    for entry in listed {
        let name = entry.trim_end_matches("\",");
        let side: u32 = name
            .trim_start_matches("icon-")
            .trim_end_matches(".png")
            .parse()
            .unwrap();
        check(&format!("assets/icon/png/{name}"), side);
    }
}

#[test]
fn store_text_fits_the_stores() {
    let check = |path: &str, limit: usize| {
        let text = read(path);
        let length = text.trim_end().chars().count();
        assert!(
            length > 0 && length <= limit,
            "{path}: {length} characters, the store takes {limit}"
        );
    };
    for locale in ["km-KH", "en-US"] {
        let folder = format!("android/store/listings/{locale}");
        check(&format!("{folder}/title.txt"), 30);
        check(&format!("{folder}/short_description.txt"), 80);
        check(&format!("{folder}/full_description.txt"), 4000);
    }
    for locale in ["km", "en-US"] {
        let folder = format!("ios/store/{locale}");
        check(&format!("{folder}/name.txt"), 30);
        check(&format!("{folder}/subtitle.txt"), 30);
        check(&format!("{folder}/keywords.txt"), 100);
        check(&format!("{folder}/promotional_text.txt"), 170);
        check(&format!("{folder}/description.txt"), 4000);
    }
}

#[test]
fn store_screenshots_in_both_languages_at_the_stores_sizes() {
    for (folder, size) in [
        (
            "android/store/listings/km-KH/images/phoneScreenshots",
            (844, 1688),
        ),
        (
            "android/store/listings/en-US/images/phoneScreenshots",
            (844, 1688),
        ),
        ("ios/store/km/screenshots", (1242, 2688)),
        ("ios/store/en-US/screenshots", (1242, 2688)),
    ] {
        let shots = pngs_in(folder);
        assert!(
            (2..=8).contains(&shots.len()),
            "{folder}: {} screenshots",
            shots.len()
        );
        for shot in shots {
            assert_eq!(png_size(&shot), size, "{}", shot.display());
        }
    }
}
