//! Didit and Verifa: their request shapes and answers (issue "Didit and Verifa"), and the JSON
//! reader they go through, on the native core.
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::json::Json;
use idv_handoff::provider::Provider;
use idv_handoff::session::{normalize_request, rfc3339_ms, session_from_json, RequestOptions};
use idv_handoff::Error;
use serde_json::{json, Value};

mod common;
use common::didit_example;

fn normalize(provider: Provider, request: Value) -> Result<Value, Error> {
    normalize_with(provider, request, &[]).map_err(|problems| problems[0])
}

/// Every problem, with the integrator's app schemes allowed.
fn normalize_with(
    provider: Provider,
    request: Value,
    app_schemes: &[String],
) -> Result<Value, Vec<Error>> {
    let json = Json::parse(&request.to_string()).expect("the test's own JSON parses");
    let options = RequestOptions {
        app_schemes,
        ..RequestOptions::default()
    };
    normalize_request(provider, &json, &options).map(|body| serde_json::from_str(&body).unwrap())
}

#[test]
fn didit_documented_example_passes_unchanged() {
    assert_eq!(
        normalize(Provider::Didit, didit_example()).unwrap(),
        didit_example()
    );
}

#[test]
fn didit_minimal_and_mobile_callback() {
    let minimal = json!({"workflow_id": "4c5c7f3a-1f82-4f3b-8d8e-1a8d2d2f9b7a"});
    assert_eq!(
        normalize(Provider::Didit, minimal.clone()).unwrap(),
        minimal
    );
    // "Custom URL schemes (e.g. myapp://) are supported for mobile callbacks" (003): accepted
    // for the schemes the integrator lists, and only those.
    let mobile = json!({"workflow_id": "4c5c7f3a-1f82-4f3b-8d8e-1a8d2d2f9b7a", "callback": "myapp://verified/done"});
    let apps = ["myapp".to_string()];
    assert_eq!(
        normalize_with(Provider::Didit, mobile.clone(), &apps).unwrap(),
        mobile
    );
    assert_eq!(
        normalize(Provider::Didit, mobile),
        Err(Error::InvalidRequest { field: "callback" })
    );
    // An https callback is sent in canonical form.
    let https = json!({"workflow_id": "4c5c7f3a-1f82-4f3b-8d8e-1a8d2d2f9b7a", "callback": "https://Example.com:443/cb"});
    assert_eq!(
        normalize(Provider::Didit, https).unwrap()["callback"],
        "https://example.com/cb"
    );
}

#[test]
fn didit_rules_name_their_field() {
    let big_image = "A".repeat(2 * 1024 * 1024 / 3 * 4 + 8);
    let cases: Vec<(&str, Value, &str)> = vec![
        ("workflow_id", Value::Null, "workflow_id"),
        ("workflow_id", json!("wf_abc"), "workflow_id"),
        (
            "workflow_id",
            json!("11111111-2222-3333-4444-55555555555"),
            "workflow_id",
        ),
        ("vendor_data", json!(""), "vendor_data"),
        ("callback", json!("http://example.com/cb"), "callback"),
        ("callback", json!("javascript://x/%0aalert(1)"), "callback"),
        ("callback", json!("data://x"), "callback"),
        ("callback", json!("myapp:/no-slashes"), "callback"),
        ("callback", json!("my app://x"), "callback"),
        ("callback", json!("myapp://a b"), "callback"),
        ("callback_method", json!("sometimes"), "callback_method"),
        ("language", json!("xx"), "language"),
        ("language", json!("EN"), "language"),
        (
            "contact_details",
            json!("john@example.com"),
            "contact_details",
        ),
        (
            "contact_details",
            json!({"email": "nope"}),
            "contact_details.email",
        ),
        (
            "contact_details",
            json!({"phone": "4155552671"}),
            "contact_details.phone",
        ),
        (
            "contact_details",
            json!({"email_lang": "english"}),
            "contact_details.email_lang",
        ),
        (
            "contact_details",
            json!({"send_notification_emails": "yes"}),
            "contact_details.send_notification_emails",
        ),
        (
            "contact_details",
            json!({"api_key": "x"}),
            "contact_details",
        ),
        (
            "expected_details",
            json!({"date_of_birth": "1990-02-30"}),
            "expected_details.date_of_birth",
        ),
        (
            "expected_details",
            json!({"date_of_birth": "15/05/1990"}),
            "expected_details.date_of_birth",
        ),
        (
            "expected_details",
            json!({"id_country": "US"}),
            "expected_details.id_country",
        ),
        (
            "expected_details",
            json!({"nationality": "usa"}),
            "expected_details.nationality",
        ),
        (
            "expected_details",
            json!({"expected_document_types": "P"}),
            "expected_details.expected_document_types",
        ),
        (
            "expected_details",
            json!({"expected_document_types": ["P", ""]}),
            "expected_details.expected_document_types",
        ),
        (
            "expected_details",
            json!({"first_name": "  "}),
            "expected_details.first_name",
        ),
        ("portrait_image", json!("not base64!"), "portrait_image"),
        ("portrait_image", json!("iVBORw0KGgo"), "portrait_image"),
        ("portrait_image", json!(big_image), "portrait_image"),
    ];
    for (name, value, field) in cases {
        let mut request = didit_example();
        request[name] = value.clone();
        assert_eq!(
            normalize(Provider::Didit, request),
            Err(Error::InvalidRequest { field }),
            "{name} = {value}"
        );
    }
    let mut unknown = didit_example();
    unknown["x-api-key"] = json!("secret");
    assert_eq!(
        normalize(Provider::Didit, unknown),
        Err(Error::UnknownField { index: 8 })
    );
    // "Base64-encoded portrait image ... (max 2MB; JPEG, PNG, WebP, or TIFF)" (003): a PNG of
    // exactly 2 MB is accepted, one byte more is not, and base64 of anything but those four
    // formats is refused.
    let png_2mb = String::from("iVBORw0KGgoA") + &"A".repeat(2 * 1024 * 1024 / 3 * 4 - 12) + "AAA=";
    let portrait = |image: &str| {
        let mut request = didit_example();
        request["portrait_image"] = json!(image);
        normalize(Provider::Didit, request)
    };
    assert!(portrait(&png_2mb).is_ok());
    let refused = Err(Error::InvalidRequest {
        field: "portrait_image",
    });
    assert_eq!(
        portrait(&(png_2mb.replace("AAA=", "AAAA") + "AA==")),
        refused
    );
    for image in [
        "/9j/4AAQSkZJRgABAQ==",     // JPEG: FF D8 FF E0
        "iVBORw0KGgoAAAANSUhEUg==", // PNG
        "UklGRiQAAABXRUJQVlA4IA==", // WebP: RIFF, size, WEBP
        "SUkqAAgAAAA=",             // TIFF, little-endian
        "TU0AKgAAAAg=",             // TIFF, big-endian
    ] {
        assert!(portrait(image).is_ok(), "{image}");
    }
    for not_an_image in [
        "AAAA",
        "R0lGODlhAQABAAAAACw=", // GIF
        "JVBERi0xLjQK",         // PDF
        "PHN2Zz48L3N2Zz4=",     // SVG
        "UklGRiQAAABXQVZFZm10", // RIFF, but WAVE
    ] {
        assert_eq!(portrait(not_an_image), refused, "{not_an_image}");
    }
}

#[test]
fn verifa_request_shape() {
    let request = json!({
        "external_ref": "order-42", "metadata": {"plan": "pro", "n": 3}, "country": "GB",
        "checks": ["document", "liveness", "document.authenticity"], "workflow_id": "wf_1", "redirect_url": "https://yourapp.com/done"
    });
    assert_eq!(
        normalize(Provider::Verifa, request.clone()).unwrap(),
        request
    );
    assert_eq!(normalize(Provider::Verifa, json!({})).unwrap(), json!({}));
    let cases: Vec<(&str, Value, &str)> = vec![
        ("country", json!("GBR"), "country"),
        ("country", json!("gb"), "country"),
        ("metadata", json!(["not", "a map"]), "metadata"),
        ("checks", json!("document"), "checks"),
        ("checks", json!(["document", ""]), "checks"),
        ("checks", json!(["\u{200b}"]), "checks"),
        ("checks", json!([1]), "checks"),
        ("redirect_url", json!("http://yourapp.com/"), "redirect_url"),
        ("redirect_url", json!("myapp://done"), "redirect_url"),
        ("external_ref", json!(7), "external_ref"),
    ];
    for (name, value, field) in cases {
        assert_eq!(
            normalize(Provider::Verifa, json!({ name: value.clone() })),
            Err(Error::InvalidRequest { field }),
            "{name} = {value}"
        );
    }
    assert_eq!(
        normalize(Provider::Verifa, json!({"first_name": "John"})),
        Err(Error::UnknownField { index: 0 })
    );
}

#[test]
fn deepidv_requests_take_the_same_path() {
    let body = normalize(Provider::Deepidv, json!({"firstName": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+15551234567", "externalId": null})).unwrap();
    assert_eq!(
        body,
        json!({"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "+15551234567"})
    );
    assert_eq!(
        normalize(Provider::Deepidv, json!(["Jane"])),
        Err(Error::InvalidRequest { field: "request" })
    );
}

fn answer(provider: Provider, body: Value) -> Result<idv_handoff::session::Session, Error> {
    session_from_json(
        provider,
        &Json::parse(&body.to_string()).unwrap(),
        201,
        false,
    )
}

#[test]
fn didit_answer_gives_the_session() {
    let session = answer(Provider::Didit, json!({
        "session_id": "11111111-2222-3333-4444-555555555555", "session_number": 43762, "session_token": "3FaJ9wLqX2Mz",
        "url": "https://verify.didit.me/en/session/3FaJ9wLqX2Mz", "vendor_data": "user-123", "metadata": null,
        "status": "Not Started", "workflow_id": "11111111-2222-3333-4444-555555555555", "workflow_version": 3, "callback": null
    })).unwrap();
    assert_eq!(session.id, "11111111-2222-3333-4444-555555555555");
    assert_eq!(
        session.session_url,
        "https://verify.didit.me/en/session/3FaJ9wLqX2Mz"
    );
    assert_eq!(session.expires_at, None);
    assert_eq!(
        answer(
            Provider::Didit,
            json!({"session_id": "x", "url": "javascript:alert(1)"})
        ),
        Err(Error::InvalidResponse { status: 201 })
    );
    assert_eq!(
        answer(
            Provider::Didit,
            json!({"id": "x", "url": "https://verify.didit.me/session/x"})
        ),
        Err(Error::InvalidResponse { status: 201 })
    );
}

#[test]
fn verifa_answer_gives_expiry_and_qr_code() {
    let ok = json!({
        "id": "ses_123", "status": "created", "capture_url": "https://capture.verifa.example/c/ses_123", "is_sandbox": true,
        "created_at": "2026-11-22T14:00:00Z", "expires_at": "2026-11-22T15:00:00.000+01:00", "external_ref": "order-42",
        "qr_code_data_url": "data:image/png;base64,iVBORw0KGgo=", "tags": []
    });
    // A 1x1 PNG, bare: "Base64-encoded QR code PNG pointing to the capture URL" (004).
    let bare_png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABAQAAAAA3bvkkAAAACklEQVR4nGNgAAAAAgABSK+kcQAAAABJRU5ErkJggg==";
    let session = answer(Provider::Verifa, ok.clone()).unwrap();
    assert_eq!(session.id, "ses_123");
    assert_eq!(
        session.session_url,
        "https://capture.verifa.example/c/ses_123"
    );
    assert_eq!(
        session.expires_at.as_deref(),
        Some("2026-11-22T15:00:00.000+01:00")
    );
    assert_eq!(
        session.qr_code_data_url.as_deref(),
        Some("data:image/png;base64,iVBORw0KGgo=")
    );
    assert_eq!(session.external_id.as_deref(), Some("order-42"));
    for (key, bad) in [
        ("expires_at", json!("tomorrow")),
        ("expires_at", json!(1700000000)),
        (
            "qr_code_data_url",
            json!("data:text/html,<script>alert(1)</script>"),
        ),
        ("qr_code_data_url", json!("https://evil.example/qr.png")),
        // Base64, but not of a PNG (a GIF; an SVG).
        ("qr_code_data_url", json!("R0lGODlhAQABAAAAACw=")),
        (
            "qr_code_data_url",
            json!("data:image/png;base64,PHN2Zz48L3N2Zz4="),
        ),
        ("capture_url", json!("http://capture.verifa.example/c")),
    ] {
        let mut body = ok.clone();
        body[key] = bad.clone();
        assert_eq!(
            answer(Provider::Verifa, body),
            Err(Error::InvalidResponse { status: 201 }),
            "{key} = {bad}"
        );
    }
    // The bare form becomes a data URL.
    let mut bare = ok.clone();
    bare["qr_code_data_url"] = json!(bare_png);
    assert_eq!(
        answer(Provider::Verifa, bare).unwrap().qr_code_data_url,
        Some(format!("data:image/png;base64,{bare_png}"))
    );
    // "Key-Inflection: Response key casing. Defaults to snake" (004): a camelCase answer reads
    // the same.
    let camel = json!({
        "id": "ses_123", "status": "created", "captureUrl": "https://capture.verifa.example/c/ses_123", "isSandbox": true,
        "createdAt": "2026-11-22T14:00:00Z", "expiresAt": "2026-11-22T15:00:00.000+01:00", "externalRef": "order-42",
        "qrCodeDataUrl": bare_png, "tags": []
    });
    let from_camel = answer(Provider::Verifa, camel).unwrap();
    assert_eq!(from_camel.session_url, session.session_url);
    assert_eq!(from_camel.expires_at, session.expires_at);
    assert_eq!(from_camel.external_id, session.external_id);
    assert!(from_camel.qr_code_data_url.is_some());
    let mut nulls = ok;
    nulls["qr_code_data_url"] = Value::Null;
    nulls["external_ref"] = Value::Null;
    let session = answer(Provider::Verifa, nulls).unwrap();
    assert_eq!(
        (session.qr_code_data_url, session.external_id),
        (None, None)
    );
}

#[test]
fn rfc3339_date_times() {
    assert_eq!(rfc3339_ms("1970-01-01T00:00:00Z"), Some(0.0));
    assert_eq!(
        rfc3339_ms("2026-11-22T15:00:00+01:00"),
        rfc3339_ms("2026-11-22T14:00:00Z")
    );
    assert_eq!(
        rfc3339_ms("2026-11-22T13:30:00.123-00:30"),
        Some(rfc3339_ms("2026-11-22T14:00:00Z").unwrap())
    );
    for bad in [
        "2026-11-22",
        "2026-11-22T14:00:00",
        "2026-13-01T00:00:00Z",
        "2026-11-22T24:00:00Z",
        "2026-11-22T14:00:00+1:00",
        "2026-11-22 14:00:00Z",
    ] {
        assert_eq!(rfc3339_ms(bad), None, "{bad}");
    }
}

#[test]
fn the_json_reader_is_strict_and_bounded() {
    for ok in [
        r#"{"a":[1,-2.5e3,true,false,null,"\u00e9\ud83d\ude00\n"]}"#,
        "0",
        r#""x""#,
        "  [] ",
        r#"[ {} , [ ] , { "b" : [ { } ] } ]"#,
    ] {
        let parsed = Json::parse(ok).unwrap_or_else(|| panic!("{ok}"));
        let reparsed: Value = serde_json::from_str(&parsed.to_text()).unwrap();
        assert_eq!(reparsed, serde_json::from_str::<Value>(ok).unwrap(), "{ok}");
    }
    // Lone surrogates read as U+FFFD, as at every other crossing into wasm.
    assert_eq!(
        Json::parse(r#""a\ud800b\udc00""#),
        Some(Json::Str("a\u{FFFD}b\u{FFFD}".into()))
    );
    assert_eq!(
        Json::parse(r#""\ud800\u0041""#),
        Some(Json::Str("\u{FFFD}A".into()))
    );
    for bad in [
        "",
        "{",
        "[1,]",
        r#"{"a" 1}"#,
        "01",
        "1.",
        "-",
        "tru",
        r#""\ud8""#,
        r#""\x""#,
        "\"a\nb\"",
        "[1] 2",
        "{'a':1}",
        "[1}",
        r#"{"a":1]"#,
        "[}",
        "{]",
        r#"["a":1]"#,
    ] {
        assert_eq!(Json::parse(bad), None, "{bad:?}");
    }
    let deep = format!("{}{}", "[".repeat(33), "]".repeat(33));
    assert_eq!(Json::parse(&deep), None);
    let ok_depth = format!("{}{}", "[".repeat(32), "]".repeat(32));
    assert!(Json::parse(&ok_depth).is_some());
}

/// `reportAll`: every problem of a request, in the order of the provider's fields (nested ones
/// by their dotted names), where a single error reports the first.
#[test]
fn every_problem_of_a_request_is_reported() {
    let mut request = didit_example();
    request["vendor_data"] = json!("\u{3000}");
    request["callback"] = json!("http://example.com/cb");
    request["contact_details"]["phone"] = json!("555-1234");
    request["expected_details"]["date_of_birth"] = json!("1990-02-30");
    request["apiKey"] = json!("secret");
    let problems = normalize_with(Provider::Didit, request, &[]).unwrap_err();
    // (serde_json writes the members in key order: `apiKey` first.)
    assert_eq!(
        problems,
        [
            Error::UnknownField { index: 0 },
            Error::InvalidRequest {
                field: "vendor_data"
            },
            Error::InvalidRequest { field: "callback" },
            Error::InvalidRequest {
                field: "contact_details.phone"
            },
            Error::InvalidRequest {
                field: "expected_details.date_of_birth"
            },
        ]
    );
}
