//! One web-platform-tests URL case against the URL layer, compared the same way natively
//! (`tests/wpt_url.rs`, the url crate) and in each browser (`tests/browser_wpt.rs`, the
//! engine's own `URL`).

use idv_handoff::web_url::ParsedUrl;

/// What the URL layer got wrong on one case, if anything. `member` reads one of the case's
/// string members (`None` when absent); `failure` is its `failure` flag.
pub fn mismatch(member: impl Fn(&str) -> Option<String>, failure: bool) -> Option<String> {
    let text = |key| member(key).unwrap_or_default();
    let url = match (ParsedUrl::parse(&text("input")), failure) {
        (None, true) => return None,
        (Some(url), true) => return Some(format!("parsed to {}, expected failure", url.href())),
        (None, false) => return Some("refused".to_owned()),
        (Some(url), false) => url,
    };
    let credentials = !text("username").is_empty() || !text("password").is_empty();
    let protocol = text("protocol");
    let checks = [
        ("href", url.href(), text("href")),
        (
            "protocol",
            url.scheme(),
            protocol.trim_end_matches(':').to_owned(),
        ),
        ("host", url.host(), text("host")),
        ("hostname", url.hostname(), text("hostname")),
    ];
    for (what, got, want) in checks {
        if got != want {
            return Some(format!("{what} {got:?}, expected {want:?}"));
        }
    }
    if url.has_credentials() != credentials {
        return Some(format!("credentials {}", url.has_credentials()));
    }
    // `ParsedUrl::origin` is `URL.origin` for URLs without credentials (the only ones the
    // module accepts); some cases leave the origin out.
    if let Some(origin) = member("origin").filter(|_| !credentials) {
        if url.origin() != origin {
            return Some(format!("origin {:?}, expected {origin:?}", url.origin()));
        }
    }
    None
}
