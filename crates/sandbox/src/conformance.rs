//! The spec-driven layer in front of every provider: each request is matched to its spec operation and checked
//! (path, query and header parameters by their schemas, the JSON body), and each response is checked against what
//! the operation documents. Handlers only implement behaviour; an operation added to a spec is validated here with
//! no code of its own.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cloud_apis_spec::conformance::{Lookup, Operation, Spec};
use cloud_apis_spec::resolve;

use crate::reply::{error, Provider};

/// The largest request body the sandbox takes (a larger one is refused with the documented 400). Every record is
/// stored from one request body, so this also bounds each record; the answers the layer audits are read whole
/// (they are the sandbox's own, already in memory), so no stored data can make an answer unreadable.
pub(crate) const REQUEST_BODY_LIMIT: usize = 1024 * 1024;

/// What a response broke: recorded, never sent; tests read it through [`crate::Sandbox::violations`].
#[derive(Clone, Default)]
pub(crate) struct Audit(Arc<Mutex<Vec<String>>>);

impl Audit {
    fn record(&self, violation: String) {
        eprintln!("sandbox: an answer does not conform to the spec: {violation}");
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(violation);
    }

    pub(crate) fn violations(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The spec(s) one provider serves, and how a request picks one.
pub(crate) struct Specs {
    provider: Provider,
    /// `(Scp-Api-Version value, spec)`; a request without a known value gets the last one (the latest).
    versions: Vec<(Option<&'static str>, Arc<Spec>)>,
    audit: Audit,
}

/// A spec the clients were generated from, ready to check requests against.
pub(crate) fn parse(text: &str) -> Arc<Spec> {
    Arc::new(Spec::new(
        serde_json::from_str(text).expect("the specs are JSON"),
    ))
}

impl Specs {
    pub(crate) fn new(
        provider: Provider,
        versions: Vec<(Option<&'static str>, Arc<Spec>)>,
        audit: Audit,
    ) -> Arc<Self> {
        Arc::new(Self {
            provider,
            versions,
            audit,
        })
    }

    fn pick(&self, headers: &HeaderMap) -> &Spec {
        let asked = headers.get("scp-api-version").and_then(|v| v.to_str().ok());
        self.versions
            .iter()
            .find(|(version, _)| version.is_some() && *version == asked)
            .or(self.versions.last())
            .map(|(_, spec)| spec)
            .expect("a provider serves at least one spec")
    }
}

/// The middleware: 405 for an undocumented method on a documented path, 400 (in the provider's error shape) for a
/// request the spec refuses, the handler's answer otherwise, audited against the spec.
pub(crate) async fn conform(
    State(specs): State<Arc<Specs>>,
    request: Request,
    next: Next,
) -> Response {
    let spec = specs.pick(request.headers());
    let path = request.uri().path().to_string();
    let op = match spec.lookup(request.method().as_str(), &path) {
        Lookup::NoPath => return next.run(request).await,
        Lookup::MethodNotAllowed(allowed) => return method_not_allowed(specs.provider, &allowed),
        Lookup::Operation(op) => op,
    };
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, REQUEST_BODY_LIMIT).await else {
        return refuse(
            &specs,
            &op,
            format!(
                "the request body is broken off or larger than the sandbox's limit of {REQUEST_BODY_LIMIT} bytes"
            ),
        );
    };
    if let Some(refused) = unsupported_media(&specs, spec, &op, &parts.headers, &body) {
        return refused;
    }
    let query = parts.uri.query().map(str::to_string);
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
    };
    if let Err(problem) = spec.check_request(&op, query.as_deref(), &header, &body) {
        return refuse(&specs, &op, problem);
    }
    let response = next.run(Request::from_parts(parts, Body::from(body))).await;
    audited(&specs, spec, &op, response).await
}

/// 415 in the provider's error shape when a request carries a body (or names its media type) in a media type the
/// operation does not document, for every operation with a documented request body. Like 405, this is an answer
/// about the protocol, made before the operation runs: no spec lists it, and it is not recorded as a violation.
fn unsupported_media(
    specs: &Specs,
    spec: &Spec,
    op: &Operation<'_>,
    headers: &HeaderMap,
    body: &[u8],
) -> Option<Response> {
    let request_body = op.op.get("requestBody")?;
    let documented: Vec<String> = resolve(spec.doc(), request_body)["content"]
        .as_object()?
        .keys()
        .map(|media| media.to_ascii_lowercase())
        .collect();
    let sent = headers
        .get(CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let media = match &sent {
        Some(value) => value
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase(),
        None if body.iter().all(u8::is_ascii_whitespace) => return None,
        None => String::new(),
    };
    if documented.contains(&media) {
        return None;
    }
    let named = match media.as_str() {
        "" => "no media type".to_string(),
        media => format!("{media:?}"),
    };
    let mut response = error(
        specs.provider,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UnsupportedMediaType",
        format!(
            "{}: the request body must be {}, not {named}",
            op.id(),
            documented.join(" or ")
        ),
    );
    if let Ok(value) = HeaderValue::from_str(&documented.join(", ")) {
        // RFC 9110 §15.5.16: a 415 may say which media types the resource takes.
        response.headers_mut().insert("accept", value);
    }
    Some(response)
}

fn method_not_allowed(provider: Provider, allowed: &[String]) -> Response {
    let mut response = error(
        provider,
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        format!("this path allows {}", allowed.join(", ")),
    );
    if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(ALLOW, value);
    }
    response
}

/// 400 naming what is wrong; 404 instead when only a path parameter is at fault and the operation documents 404
/// but not 400 (the resource it names cannot exist).
fn refuse(specs: &Specs, op: &Operation<'_>, problem: String) -> Response {
    let documents = |status: &str| op.op["responses"].get(status).is_some();
    let status = if problem.starts_with("path parameter") && !documents("400") && documents("404") {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    let code = match status {
        StatusCode::NOT_FOUND => "NotFound",
        _ => "InvalidRequest",
    };
    if !documents(status.as_str()) {
        specs.audit.record(format!(
            "{}: refusal status {status} is not documented",
            op.id()
        ));
    }
    error(specs.provider, status, code, problem)
}

async fn audited(specs: &Specs, spec: &Spec, op: &Operation<'_>, response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, usize::MAX).await else {
        specs
            .audit
            .record(format!("{}: the response body could not be read", op.id()));
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    if let Err(violation) = spec.check_response(op, parts.status.as_u16(), content_type, &body) {
        specs.audit.record(format!("{} {}", op.id(), violation));
    }
    Response::from_parts(parts, Body::from(body))
}
