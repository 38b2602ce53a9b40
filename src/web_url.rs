//! Absolute URLs: one small interface over a WHATWG URL parser, and the strict checks on top.
//!
//! In the wasm build the parser is the host's own `URL` (the very parser that will navigate, so
//! there is no parser differential to exploit, and it costs no bytes); natively it is the `url`
//! crate. Everything else here is shared logic: the checks decide on the raw input and the
//! parser's canonical serialisation, never on one backend's quirks.

use alloc::string::String;

use crate::error::Error;

/// An absolute URL in the parser's canonical serialisation. Everything the checks need is read
/// off that serialisation (split once, here), so both backends answer one question only:
/// "what is the href?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    href: String,
    /// Where `host[:port]` starts and ends, and where the hostname ends (before `:port`).
    host: (usize, usize),
    hostname_end: usize,
    has_credentials: bool,
}

impl ParsedUrl {
    /// Parses an absolute URL with no base (relative input fails); `None` when it does not parse.
    pub fn parse(input: &str) -> Option<ParsedUrl> {
        let href = canonical_href(input)?;
        // URLs without an authority (`javascript:…`) keep an empty host.
        let (mut host, mut hostname_end, mut has_credentials) = ((0, 0), 0, false);
        if let Some(parts) = UrlParts::split(&href) {
            let start = parts.scheme.len() + 3;
            // The last `@` ends the userinfo.
            let userinfo = parts.authority.rfind('@').map_or(0, |at| at + 1);
            let host_and_port = parts.authority.get(userinfo..).unwrap_or_default();
            has_credentials = userinfo > 0;
            host = (start + userinfo, start + parts.authority.len());
            hostname_end = host.0 + split_port(host_and_port).map_or(0, |(name, _)| name.len());
        }
        let url = ParsedUrl {
            href,
            host,
            hostname_end,
            has_credentials,
        };
        // Chromium's URL accepts a host label `xn--` with nothing after it, which the URL
        // Standard refuses (web-platform-tests `https://xn--/`), as the url crate, Firefox and
        // WebKit do: refuse it in every runtime.
        if url.hostname().split('.').any(|label| label == "xn--") {
            return None;
        }
        Some(url)
    }

    /// The canonical serialisation.
    pub fn href(&self) -> &str {
        &self.href
    }

    /// The canonical serialisation, owned.
    pub fn into_href(self) -> String {
        self.href
    }

    /// The scheme, lowercase, without `:`.
    pub fn scheme(&self) -> &str {
        self.href.split_once(':').map_or("", |(scheme, _)| scheme)
    }

    /// Whether a username or password was parsed.
    pub fn has_credentials(&self) -> bool {
        self.has_credentials
    }

    /// `hostname[:port]`, as `URL.host` serialises it (the port only when not the default).
    pub fn host(&self) -> &str {
        self.href.get(self.host.0..self.host.1).unwrap_or("")
    }

    /// The host without the port (lowercase, punycode, IPv6 in brackets).
    pub fn hostname(&self) -> &str {
        self.href.get(self.host.0..self.hostname_end).unwrap_or("")
    }

    /// `scheme://host[:port]`, as `URL.origin` serialises it for http(s) URLs without
    /// credentials.
    pub fn origin(&self) -> &str {
        self.href.get(..self.host.1).unwrap_or("")
    }
}

/// The parser's serialisation of an absolute URL (no base), or `None` if it does not parse.
#[cfg(not(target_arch = "wasm32"))]
fn canonical_href(input: &str) -> Option<String> {
    url::Url::parse(input).ok().map(String::from)
}

/// The parser's serialisation of an absolute URL (no base), or `None` if it does not parse:
/// the host's own `new URL(input).href`.
#[cfg(target_arch = "wasm32")]
fn canonical_href(input: &str) -> Option<String> {
    crate::bindings::canonical_url(input)
}

/// Where plain `http:` is accepted besides `https:` (development only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HttpAllowed {
    /// Never: https only.
    Never,
    /// `http://localhost` and `http://127.0.0.1` only.
    Localhost,
    /// Any host (a proxy on another machine of a development network).
    Anywhere,
}

impl HttpAllowed {
    /// `Localhost` when `allow` is set, else `Never`.
    pub fn localhost_if(allow: bool) -> HttpAllowed {
        if allow {
            HttpAllowed::Localhost
        } else {
            HttpAllowed::Never
        }
    }
}

/// Parses `input` as an HTTPS URL whose parse needed no repairs, or says why not. `field`
/// names the URL in errors as the caller's argument is named (`sessionUrl`, `redirectUrl`);
/// `http` says where plain http is accepted too.
///
/// Order: what the parser would silently strip or rewrite is `suspicious_url`; then
/// `invalid_url` (unparseable or relative), `insecure_url` (not https, or http beyond
/// localhost when allowed), `credentials_in_url`, and finally `suspicious_url` again for any
/// input whose canonical serialisation differs from what it says (a repair).
pub fn parse_strict(
    input: &str,
    field: &'static str,
    http: HttpAllowed,
) -> Result<ParsedUrl, Error> {
    let bytes = input.as_bytes();
    // Leading/trailing C0 controls or spaces, and tabs or newlines anywhere, are removed by the
    // parser before it starts: ` javascript:` and `java\tscript:` hide behind them.
    if bytes.iter().any(|&b| b <= 0x20 || b == 0x7f || b == b'\\') {
        return Err(Error::SuspiciousUrl { field });
    }
    let url = ParsedUrl::parse(input).ok_or(Error::InvalidUrl { field })?;
    let scheme = url.scheme();
    let https = scheme == "https";
    let http_ok = scheme == "http"
        && match http {
            HttpAllowed::Never => false,
            HttpAllowed::Localhost => matches!(url.hostname(), "localhost" | "127.0.0.1"),
            HttpAllowed::Anywhere => true,
        };
    if !https && !http_ok {
        return Err(Error::InsecureUrl { field });
    }
    let parts = UrlParts::split(input);
    if url.has_credentials() || parts.is_some_and(|p| p.authority.bytes().any(|b| b == b'@')) {
        return Err(Error::CredentialsInUrl { field });
    }
    if parts
        .and_then(|p| expected_href(p, input.len(), scheme))
        .as_deref()
        != Some(url.href())
    {
        return Err(Error::SuspiciousUrl { field });
    }
    Ok(url)
}

/// The raw pieces of `scheme://authority/path?query#fragment`, split without any parsing (and
/// without slicing that could panic: the wasm build has no room for panic messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Before the first `:`.
    pub scheme: &'a str,
    /// Between `//` and the first `/`, `?` or `#`.
    pub authority: &'a str,
    /// From there up to `?` or `#` (may be empty).
    pub path: &'a str,
    /// The query without `?`, if there is a `?` before any `#`.
    pub query: Option<&'a str>,
    /// The fragment without `#`, if any.
    pub fragment: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// Splits `input`; `None` if it lacks `scheme://`.
    pub fn split(input: &'a str) -> Option<Self> {
        let (scheme, rest) = input.split_once(':')?;
        let rest = rest.strip_prefix("//")?;
        let (rest, fragment) = match rest.split_once('#') {
            Some((rest, fragment)) => (rest, Some(fragment)),
            None => (rest, None),
        };
        let (rest, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
        };
        let (authority, path) = rest.split_at_checked(rest.find('/').unwrap_or(rest.len()))?;
        Some(UrlParts {
            scheme,
            authority,
            path,
            query,
            fragment,
        })
    }
}

/// What a WHATWG parser must serialise the input (split in `parts`, `len` bytes long) to if it
/// repaired nothing: the scheme and host lowercased, a default port dropped, an empty path made
/// `/`, and the code points the parser percent-encodes by design (non-ASCII, and `'` in the query of special URLs) encoded. Returns
/// `None` for input that cannot serialise to itself at all (no `//`, userinfo, a non-ASCII or
/// percent-encoded host, a malformed port).
fn expected_href(parts: UrlParts, len: usize, scheme: &str) -> Option<String> {
    let (host, port) = split_port(parts.authority)?;
    if host.is_empty()
        || !host
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'%' && b != b'@')
    {
        return None;
    }
    let mut out = String::with_capacity(len + 8);
    out.push_str(scheme);
    out.push_str("://");
    for c in host.chars() {
        out.push(c.to_ascii_lowercase());
    }
    if let Some(port) = port {
        let default = if scheme == "https" { 443 } else { 80 };
        if port != default {
            out.push(':');
            push_decimal(&mut out, port);
        }
    }
    if parts.path.is_empty() {
        out.push('/');
    }
    push_encoded(&mut out, parts.path, false);
    if let Some(query) = parts.query {
        out.push('?');
        push_encoded(&mut out, query, true);
    }
    if let Some(fragment) = parts.fragment {
        out.push('#');
        push_encoded(&mut out, fragment, false);
    }
    Some(out)
}

/// Splits `host[:port]`; the port must be 1 to 5 digits within u16 (`None` otherwise).
fn split_port(authority: &str) -> Option<(&str, Option<u16>)> {
    // An IPv6 literal has colons of its own: the port can only follow its `]`.
    let (host, port) = if authority.starts_with('[') {
        let (host, rest) = authority.split_at_checked(authority.find(']')? + 1)?;
        match rest.strip_prefix(':') {
            Some(port) => (host, Some(port)),
            None if rest.is_empty() => (host, None),
            None => return None,
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    let Some(digits) = port else {
        return Some((host, None));
    };
    // An empty port (`https://host:/`) serialises without the colon: a repair.
    if digits.is_empty() || digits.len() > 5 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let value: u32 = digits.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0'));
    Some((host, Some(u16::try_from(value).ok()?)))
}

fn push_decimal(out: &mut String, n: u16) {
    let mut divisor = 10_000;
    while divisor > 1 && n / divisor == 0 {
        divisor /= 10;
    }
    while divisor > 0 {
        out.push(char::from(b'0' + (n / divisor % 10) as u8));
        divisor /= 10;
    }
}

/// Appends `s`, percent-encoding non-ASCII as UTF-8 (and `'` in a query, as WHATWG does for
/// special schemes); ASCII is kept as it is, so anything else the parser changes is a repair.
fn push_encoded(out: &mut String, s: &str, query: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for c in s.chars() {
        if c.is_ascii() && !(query && c == '\'') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for &b in c.encode_utf8(&mut buf).as_bytes() {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

/// Parses an allowlist origin such as `https://yourapp.com` (or `http://localhost:8787`) to the
/// parser's serialisation, so `https://YOURAPP.com` and `https://yourapp.com:443` compare equal
/// to `https://yourapp.com`. Anything more than an origin is refused.
pub fn canonical_origin(entry: &str) -> Option<String> {
    let url = ParsedUrl::parse(entry)?;
    let bare = url.href().strip_suffix('/') == Some(url.origin());
    (bare && !url.has_credentials() && matches!(url.scheme(), "https" | "http"))
        .then(|| String::from(url.origin()))
}

/// Parses an allowlist host such as `app.deepidv.com` or `localhost:8787` to the parser's
/// serialisation of `URL.host`. Anything more than a host is refused.
pub fn canonical_host(entry: &str) -> Option<String> {
    if entry.is_empty()
        || entry
            .bytes()
            .any(|b| matches!(b, b'/' | b'\\' | b'@' | b'?' | b'#') || b <= 0x20)
    {
        return None;
    }
    let mut probe = String::from("https://");
    probe.push_str(entry);
    probe.push('/');
    ParsedUrl::parse(&probe).map(|url| String::from(url.host()))
}
