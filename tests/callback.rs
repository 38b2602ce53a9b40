//! The callback parser's rules, one case per rule (native core).
#![cfg(not(target_arch = "wasm32"))]

use idv_handoff::callback::{parse_callback, Callback, CallbackOptions, ParamNames};
use idv_handoff::provider::{CallbackStatus as S, Provider, Reason, STATUSES};
use idv_handoff::Error;

fn parse(input: &str) -> Result<Callback, Error> {
    parse_callback(input, &CallbackOptions::default())
}

#[test]
fn accepts_each_input_form() {
    for input in [
        "https://yourapp.com/done?session_id=abc123&status=success",
        "https://yourapp.com/done?session_id=abc123&status=success#fragment",
        "?session_id=abc123&status=success",
        "session_id=abc123&status=success",
    ] {
        let cb = parse(input).unwrap_or_else(|e| panic!("{input}: {e:?}"));
        assert_eq!(cb.session_id, "abc123", "{input}");
        assert_eq!(cb.status, S::Success, "{input}");
        assert_eq!(cb.provider, Provider::Deepidv, "{input}");
    }
}

#[test]
fn deepidv_statuses_and_the_guides_submitted_form() {
    let cases = [
        ("session_id=a&status=success", S::Success, "success"),
        ("session_id=a&status=failed", S::Failed, "failed"),
        ("session_id=a&status=abandoned", S::Abandoned, "abandoned"),
        ("status=SUBMITTED&sessionId=abc123", S::Success, "SUBMITTED"),
    ];
    for (query, status, raw) in cases {
        let cb = parse(query).unwrap();
        assert_eq!(
            (cb.status, cb.raw_status.as_str()),
            (status, raw),
            "{query}"
        );
    }
}

#[test]
fn deepidv_status_is_case_sensitive() {
    for query in [
        "session_id=a&status=Success",
        "session_id=a&status=submitted",
        "session_id=a&status=FAILED",
    ] {
        assert_eq!(parse(query), Err(Error::InvalidStatus), "{query}");
    }
}

#[test]
fn every_documented_reason_maps_to_itself() {
    for reason in Reason::ALL {
        let cb = parse(&format!(
            "session_id=a&status=failed&reason={}",
            reason.as_str()
        ))
        .unwrap();
        assert_eq!(cb.reason, Some(*reason));
        assert_eq!(cb.raw_reason.as_deref(), Some(reason.as_str()));
    }
}

#[test]
fn unknown_reason_falls_back_to_unknown_with_the_raw_value_kept() {
    let cb = parse("session_id=a&status=failed&reason=liveness_spoof_detected").unwrap();
    assert_eq!(cb.reason, Some(Reason::Unknown));
    assert_eq!(cb.raw_reason.as_deref(), Some("liveness_spoof_detected"));
}

#[test]
fn raw_reason_is_sanitised_and_bounded() {
    let cb =
        parse("session_id=a&status=failed&reason=%3Cscript%3Ealert(1)%3C%2Fscript%3E").unwrap();
    assert_eq!(cb.reason, Some(Reason::Unknown));
    assert_eq!(cb.raw_reason.as_deref(), Some("_script_alert_1___script_"));
    let long = "r".repeat(1000);
    let cb = parse(&format!("session_id=a&status=failed&reason={long}")).unwrap();
    assert_eq!(cb.raw_reason.as_deref(), Some(&long[..64]));
}

#[test]
fn absent_reason_is_none() {
    let cb = parse("session_id=a&status=abandoned").unwrap();
    assert_eq!((cb.reason, cb.raw_reason), (None, None));
    let cb = parse("session_id=a&status=abandoned&reason=").unwrap();
    assert_eq!((cb.reason, cb.raw_reason), (None, None));
}

#[test]
fn reason_with_success_is_ignored() {
    let cb = parse("session_id=a&status=success&reason=face_mismatch").unwrap();
    assert_eq!((cb.reason, cb.raw_reason), (None, None));
}

#[test]
fn didit_is_detected_and_keeps_its_exact_vocabulary() {
    let didit: Vec<_> = STATUSES
        .iter()
        .filter(|(p, _, _)| *p == Provider::Didit)
        .collect();
    assert_eq!(didit.len(), 10, "Didit documents ten statuses");
    let expected = [
        ("Not Started", "not_started"),
        ("In Progress", "in_progress"),
        ("Approved", "approved"),
        ("Declined", "declined"),
        ("In Review", "in_review"),
        ("Expired", "expired"),
        ("Abandoned", "abandoned"),
        ("Kyc Expired", "kyc_expired"),
        ("Resubmitted", "resubmitted"),
        ("Awaiting User", "awaiting_user"),
    ];
    for (raw, normalised) in expected {
        let encoded = raw.replace(' ', "+");
        let cb = parse(&format!(
            "verificationSessionId=11111111-2222-3333-4444-555555555555&status={encoded}"
        ))
        .unwrap();
        assert_eq!(cb.provider, Provider::Didit);
        assert_eq!(cb.raw_status, raw);
        assert_eq!(cb.status.as_str(), normalised);
        assert_eq!(cb.session_id, "11111111-2222-3333-4444-555555555555");
        assert_eq!(cb.reason, None);
    }
    // %20 and + are the same space.
    let cb = parse("verificationSessionId=x&status=In%20Review").unwrap();
    assert_eq!(cb.status, S::InReview);
}

#[test]
fn didit_status_is_case_and_space_sensitive() {
    for status in [
        "approved",
        "APPROVED",
        "In+review",
        "InReview",
        "In++Review",
        "Approved+",
    ] {
        let q = format!("verificationSessionId=x&status={status}");
        assert_eq!(parse(&q), Err(Error::InvalidStatus), "{q}");
    }
}

#[test]
fn provider_option_forces_the_vocabulary() {
    let didit = CallbackOptions {
        provider: Some(Provider::Didit),
        ..Default::default()
    };
    let deepidv = CallbackOptions {
        provider: Some(Provider::Deepidv),
        ..Default::default()
    };
    // Forced Didit does not read deepidv's session_id.
    assert_eq!(
        parse_callback("session_id=a&status=Approved", &didit),
        Err(Error::MissingSessionId)
    );
    // Forced deepidv does not read Didit's verificationSessionId or statuses.
    assert_eq!(
        parse_callback("verificationSessionId=a&status=Approved", &deepidv),
        Err(Error::MissingSessionId)
    );
    assert_eq!(
        parse_callback("session_id=a&status=Approved", &deepidv),
        Err(Error::InvalidStatus)
    );
    // Didit's vocabulary is not deepidv's.
    assert_eq!(
        parse_callback("verificationSessionId=a&status=success", &didit),
        Err(Error::InvalidStatus)
    );
}

#[test]
fn missing_session_id() {
    for q in [
        "status=success",
        "session_id=&status=success",
        "sessionId=&status=success",
        "",
    ] {
        assert_eq!(parse(q), Err(Error::MissingSessionId), "{q:?}");
    }
    assert_eq!(
        parse("verificationSessionId=&status=Approved"),
        Err(Error::MissingSessionId)
    );
}

#[test]
fn missing_status() {
    for q in [
        "session_id=a",
        "session_id=a&status=",
        "verificationSessionId=a",
    ] {
        assert_eq!(parse(q), Err(Error::MissingStatus), "{q}");
    }
}

#[test]
fn invalid_status() {
    for q in [
        "session_id=a&status=verified",
        "session_id=a&status=PENDING",
        "session_id=a&status=%00",
    ] {
        assert_eq!(parse(q), Err(Error::InvalidStatus), "{q}");
    }
}

#[test]
fn duplicate_parameter_names_the_parameter() {
    let cases = [
        ("session_id=a&session_id=a&status=success", "session_id"),
        ("session_id=a&status=success&status=success", "status"),
        ("session_id=a&status=failed&reason=x&reason=y", "reason"),
        ("session_id=a&status=success&state=s&state=s", "state"),
        ("session_id=a&sessionId=a&status=success", "sessionId"),
        ("sessionId=a&sessionId=b&status=SUBMITTED", "sessionId"),
        (
            "verificationSessionId=a&verificationSessionId=b&status=Approved",
            "verificationSessionId",
        ),
        // Decoded names count: %73 is "s".
        ("session_id=a&%73tatus=failed&status=failed", "status"),
        // Even empty repeats count.
        ("session_id=a&status=success&status=", "status"),
    ];
    for (q, param) in cases {
        assert_eq!(parse(q), Err(Error::DuplicateParameter { param }), "{q}");
    }
}

#[test]
fn unrelated_parameters_are_ignored_even_when_repeated() {
    let cb =
        parse("utm=1&utm=2&session_id=a&x=%ZZ&status=failed&reason=face_mismatch&foo").unwrap();
    assert_eq!(cb.session_id, "a");
    assert_eq!(cb.reason, Some(Reason::FaceMismatch));
    // deepidv's reason is not a Didit parameter.
    let cb = parse("verificationSessionId=a&status=Declined&reason=x&reason=y").unwrap();
    assert_eq!(cb.reason, None);
}

#[test]
fn invalid_session_id() {
    let too_long = "a".repeat(129);
    let cases = [
        "session_id=a%2Fb",
        "session_id=a+b",
        "session_id=%3Cscript%3E",
        "session_id=a%00",
        "session_id=%C3%A9",
        "session_id=%FF",
        too_long.as_str(),
    ];
    for id in cases {
        let q = if id.starts_with("session_id") {
            format!("{id}&status=success")
        } else {
            format!("session_id={id}&status=success")
        };
        assert_eq!(parse(&q), Err(Error::InvalidSessionId), "{q}");
    }
    let max = "A-z0.9_~".repeat(16);
    assert_eq!(
        parse(&format!("session_id={max}&status=success"))
            .unwrap()
            .session_id,
        max
    );
}

#[test]
fn input_too_long() {
    let padding = "x".repeat(8 * 1024);
    assert_eq!(
        parse(&format!("session_id=a&status=success&p={padding}")),
        Err(Error::InputTooLong { field: "input" })
    );
    // Exactly 8 KiB of query is accepted.
    let base = "session_id=a&status=success&p=";
    let exact = format!("{base}{}", "x".repeat(8 * 1024 - base.len()));
    assert_eq!(exact.len(), 8 * 1024);
    assert!(parse(&exact).is_ok());
    // The whole input is bounded too, even when the query is short.
    let url = format!(
        "https://yourapp.com/{}?session_id=a&status=success",
        "p".repeat(16 * 1024)
    );
    assert_eq!(parse(&url), Err(Error::InputTooLong { field: "input" }));
}

#[test]
fn session_mismatch() {
    let opts = CallbackOptions {
        expected_session_id: Some("abc"),
        ..Default::default()
    };
    assert_eq!(
        parse_callback("session_id=abd&status=success", &opts),
        Err(Error::SessionMismatch)
    );
    assert_eq!(
        parse_callback("session_id=abc&status=success", &opts)
            .unwrap()
            .session_id,
        "abc"
    );
}

#[test]
fn state_mismatch_is_checked_first() {
    let opts = CallbackOptions {
        expected_state: Some("s3cr3t"),
        ..Default::default()
    };
    assert_eq!(
        parse_callback("session_id=a&status=success", &opts),
        Err(Error::StateMismatch)
    );
    assert_eq!(
        parse_callback("session_id=a&status=success&state=", &opts),
        Err(Error::StateMismatch)
    );
    assert_eq!(
        parse_callback("session_id=a&status=success&state=s3cr3u", &opts),
        Err(Error::StateMismatch)
    );
    assert_eq!(
        parse_callback("session_id=a&status=success&state=s3cr3", &opts),
        Err(Error::StateMismatch)
    );
    // A wrong state is reported even when the rest is invalid too.
    assert_eq!(
        parse_callback("status=bogus&state=wrong", &opts),
        Err(Error::StateMismatch)
    );
    let cb = parse_callback("session_id=a&status=success&state=s3cr3t", &opts).unwrap();
    assert_eq!(cb.state.as_deref(), Some("s3cr3t"));
}

#[test]
fn state_is_returned_and_bounded() {
    assert_eq!(
        parse("session_id=a&status=success&state=xyz")
            .unwrap()
            .state
            .as_deref(),
        Some("xyz")
    );
    assert_eq!(parse("session_id=a&status=success").unwrap().state, None);
    assert_eq!(
        parse("session_id=a&status=success&state=%3Cb%3E"),
        Err(Error::InvalidState)
    );
    let long = "s".repeat(513);
    assert_eq!(
        parse(&format!("session_id=a&status=success&state={long}")),
        Err(Error::InvalidState)
    );
}

#[test]
fn percent_encoded_names_and_values_are_decoded() {
    let cb = parse("%73ession%5Fid=%61bc&st%61tus=f%61iled&reason=face%5Fmismatch").unwrap();
    assert_eq!(cb.session_id, "abc");
    assert_eq!(cb.status, S::Failed);
    assert_eq!(cb.reason, Some(Reason::FaceMismatch));
}

const VERIFA_PARAMS: ParamNames = ParamNames {
    session_id: "verifa_session",
    status: "verifa_status",
    reason: Some("verifa_reason"),
};

#[test]
fn verifa_callbacks_need_the_callers_parameter_names() {
    let unnamed = CallbackOptions {
        provider: Some(Provider::Verifa),
        ..Default::default()
    };
    assert_eq!(
        parse_callback("session_id=a&status=success", &unnamed),
        Err(Error::InvalidOption { option: "params" })
    );
    let verifa = CallbackOptions {
        provider: Some(Provider::Verifa),
        params: Some(VERIFA_PARAMS),
        ..Default::default()
    };
    let cb = parse_callback(
        "https://yourapp.com/done?state=s1&verifa_session=ses_1&verifa_status=Failed-Check&verifa_reason=face_mismatch",
        &verifa,
    )
    .unwrap();
    assert_eq!(cb.provider, Provider::Verifa);
    assert_eq!(cb.session_id, "ses_1");
    assert_eq!(cb.status, S::Other);
    assert_eq!(cb.raw_status, "Failed-Check");
    assert_eq!(cb.status_name(), "failed_check");
    assert_eq!(cb.reason, Some(Reason::FaceMismatch));
    assert_eq!(cb.state.as_deref(), Some("s1"));
    // The built-in names mean nothing for Verifa.
    assert_eq!(
        parse_callback("session_id=a&status=completed", &verifa),
        Err(Error::MissingSessionId)
    );
}

#[test]
fn named_parameters_follow_the_same_rules() {
    let verifa = CallbackOptions {
        provider: Some(Provider::Verifa),
        params: Some(VERIFA_PARAMS),
        ..Default::default()
    };
    let cases = [
        (
            "verifa_session=a&verifa_session=b&verifa_status=x",
            Error::DuplicateParameter {
                param: "params.sessionId",
            },
        ),
        (
            "verifa_session=a&verifa_status=x&verifa_status=y",
            Error::DuplicateParameter {
                param: "params.status",
            },
        ),
        (
            "verifa_session=a&verifa_status=x&verifa_reason=1&verifa_reason=2",
            Error::DuplicateParameter {
                param: "params.reason",
            },
        ),
        ("verifa_session=a&verifa_status=", Error::MissingStatus),
        (
            "verifa_session=a%2F&verifa_status=x",
            Error::InvalidSessionId,
        ),
        (
            "verifa_session=a&verifa_status=%3Cb%3E",
            Error::InvalidStatus,
        ),
        (
            &*format!("verifa_session=a&verifa_status={}", "x".repeat(65)),
            Error::InvalidStatus,
        ),
    ];
    for (query, error) in cases {
        assert_eq!(parse_callback(query, &verifa), Err(error), "{query}");
    }
    // Without a reason name, nothing is read as the reason.
    let no_reason = CallbackOptions {
        params: Some(ParamNames {
            reason: None,
            ..VERIFA_PARAMS
        }),
        ..verifa
    };
    let cb = parse_callback(
        "verifa_session=a&verifa_status=done&verifa_reason=x",
        &no_reason,
    )
    .unwrap();
    assert_eq!(cb.reason, None);
    // Names given for deepidv replace its built-in ones, and keep its vocabulary.
    let renamed = CallbackOptions {
        params: Some(ParamNames {
            session_id: "sid",
            status: "st",
            reason: None,
        }),
        ..Default::default()
    };
    let cb = parse_callback("sid=x&st=SUBMITTED", &renamed).unwrap();
    assert_eq!((cb.provider, cb.status), (Provider::Deepidv, S::Success));
    assert_eq!(
        parse_callback("sid=x&st=done", &renamed),
        Err(Error::InvalidStatus)
    );
}
