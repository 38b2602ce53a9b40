//! `build_handoff_url` on any session URL, redirect URL and options.
//!
//! The input is text, one field a line (see `Case::read`), so the seeds in
//! `corpus/handoff/` stay readable and the dictionary's tokens land where they matter.
//!
//! Invariants, checked with the url crate as an independent reader of the result: it never
//! panics; an accepted handoff URL is https (http only to localhost, and only when allowed),
//! has no userinfo, parses to exactly itself and keeps the session URL's origin; it carries
//! exactly one `redirect_url`, which is https (same exception), has no userinfo, re-parses to
//! itself, has an allowed origin when there is an allowlist, and carries the state, once, when
//! one was given; with a session-host allowlist the host is one of them.
#![no_main]

use idv_handoff::handoff::{build_handoff_url, HandoffOptions};
use libfuzzer_sys::fuzz_target;
use url::Url;

/// The fuzzer's input, read as lines:
/// 1. session URL; 2. redirect URL; 3. state (empty: none);
/// 4. allowed redirect origins, space-separated (`-`: no allowlist);
/// 5. allowed session hosts, likewise; 6. language (empty: none);
/// 7. `1` to allow http://localhost.
struct Case<'a> {
    session_url: &'a str,
    redirect_url: &'a str,
    state: Option<&'a str>,
    origins: Option<Vec<String>>,
    hosts: Option<Vec<String>>,
    language: Option<&'a str>,
    localhost: bool,
}

impl<'a> Case<'a> {
    fn read(text: &'a str) -> Case<'a> {
        let mut lines = text.split('\n');
        let mut next = || lines.next().unwrap_or("");
        let list = |line: &str| {
            (line != "-").then(|| {
                line.split(' ')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect()
            })
        };
        let session_url = next();
        let redirect_url = next();
        let state = Some(next()).filter(|s| !s.is_empty());
        let origins = list(next());
        let hosts = list(next());
        let language = Some(next()).filter(|s| !s.is_empty());
        let localhost = next() == "1";
        Case {
            session_url,
            redirect_url,
            state,
            origins,
            hosts,
            language,
            localhost,
        }
    }
}

/// https, or http to localhost when that is allowed; never userinfo.
fn assert_secure(url: &Url, localhost: bool, what: &str) {
    let http_local = localhost
        && url.scheme() == "http"
        && matches!(url.host_str(), Some("localhost" | "127.0.0.1"));
    assert!(
        url.scheme() == "https" || http_local,
        "{what} not https: {url}"
    );
    assert!(
        url.username().is_empty() && url.password().is_none(),
        "{what} has userinfo: {url}"
    );
}

/// `host[:port]` as `URL.host` serialises it.
fn host_of(url: &Url) -> String {
    match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_owned(),
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let case = Case::read(&text);
    let options = HandoffOptions {
        redirect_url: case.redirect_url,
        state: case.state,
        allowed_redirect_origins: case.origins.as_deref(),
        allowed_session_hosts: case.hosts.as_deref(),
        allow_insecure_localhost: case.localhost,
        language: case.language,
    };
    let Ok(handoff) = build_handoff_url(case.session_url, &options) else {
        return;
    };

    let url = Url::parse(&handoff).expect("the handoff URL parses");
    assert_eq!(url.as_str(), handoff, "the handoff URL is canonical");
    assert_secure(&url, case.localhost, "handoff URL");
    let session = Url::parse(case.session_url).expect("an accepted session URL parses");
    assert_eq!(url.origin(), session.origin(), "the session origin is kept");
    if let Some(hosts) = &case.hosts {
        let allowed: Vec<String> = hosts
            .iter()
            .filter_map(|h| Url::parse(&format!("https://{h}/")).ok())
            .map(|u| host_of(&u))
            .collect();
        assert!(
            allowed.contains(&host_of(&url)),
            "session host {url} not in {hosts:?}"
        );
    }

    let redirects: Vec<String> = url
        .query_pairs()
        .filter(|(name, _)| name == "redirect_url")
        .map(|(_, value)| value.into_owned())
        .collect();
    assert_eq!(redirects.len(), 1, "one redirect_url in {handoff}");
    let redirect = Url::parse(&redirects[0]).expect("the embedded redirect URL parses");
    assert_eq!(
        redirect.as_str(),
        redirects[0],
        "the embedded redirect URL re-parses to itself"
    );
    assert_secure(&redirect, case.localhost, "redirect URL");
    if let Some(origins) = &case.origins {
        let allowed: Vec<String> = origins
            .iter()
            .filter_map(|o| Url::parse(o).ok())
            .map(|u| u.origin().ascii_serialization())
            .collect();
        let origin = redirect.origin().ascii_serialization();
        assert!(
            allowed.contains(&origin),
            "redirect origin {origin} not in {origins:?}"
        );
    }
    if let Some(state) = case.state {
        let states: Vec<String> = redirect
            .query_pairs()
            .filter(|(name, _)| name == "state")
            .map(|(_, value)| value.into_owned())
            .collect();
        assert_eq!(states, [state], "the state rides once on {redirect}");
    }
});
