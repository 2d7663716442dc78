//! What the proxy knows of AWS: the protocol and `service:operation` of a request, whether an
//! operation creates, and errors shaped the way each protocol shapes them (so the SDK reads
//! their codes as it would from AWS). It decides no fault.

use super::wire::{Request, header};

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Protocol {
    Ec2Query,
    AwsQuery,
    AwsJson,
    RestJson,
}

/// The protocol and `service:operation` of a request. The service is the one the request was
/// signed for (SigV4 credential scope), as every service shares the one endpoint here.
pub(super) fn identify(req: &Request) -> (Protocol, String) {
    let service = header(&req.headers, "authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("unknown")
        .to_string();
    if let Some(target) = header(&req.headers, "x-amz-target") {
        let op = target.rsplit('.').next().unwrap_or(target);
        return (Protocol::AwsJson, format!("{service}:{op}"));
    }
    let form = String::from_utf8_lossy(&req.body);
    let action = form
        .split('&')
        .find_map(|kv| kv.strip_prefix("Action="))
        .map(str::to_string);
    if let Some(action) = action {
        let protocol = if service == "ec2" {
            Protocol::Ec2Query
        } else {
            Protocol::AwsQuery
        };
        return (protocol, format!("{service}:{action}"));
    }
    (
        Protocol::RestJson,
        format!("{service}:{}", rest_operation(&req.head)),
    )
}

/// Whether `op` (as `identify` names it) makes a resource: the query and JSON protocols' Create*
/// and AllocateAddress, and EKS's POST to a collection (clusters, node groups, access entries,
/// addons). Updates, deletes and reads are not: the lost-answer fault is about creates.
pub fn is_create(op: &str) -> bool {
    let Some((_, action)) = op.split_once(':') else {
        return false;
    };
    if let Some(path) = action.strip_prefix("POST ") {
        let last = path.rsplit('/').next().unwrap_or("");
        return ["clusters", "node-groups", "access-entries", "addons"].contains(&last);
    }
    action.starts_with("Create") || action == "AllocateAddress"
}

/// `POST /clusters/x/node-groups` becomes `POST /clusters/*/node-groups`: names vary per test,
/// operations do not.
pub(super) fn rest_operation(head: &str) -> String {
    let mut parts = head.split(' ');
    let method = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("").split('?').next().unwrap_or("");
    let shape: Vec<&str> = path
        .split('/')
        .enumerate()
        .map(|(i, seg)| if i % 2 == 0 && i > 0 { "*" } else { seg })
        .collect();
    format!("{method} {}", shape.join("/"))
}

/// A throttling or server error as the service itself would send it, so the SDK's standard
/// retry classifies it by code or status, as it would against AWS.
pub(super) fn fault_response(
    p: Protocol,
    throttle: bool,
) -> (&'static str, Vec<(String, String)>, String) {
    let (status, kind, code) = match (p, throttle) {
        (Protocol::Ec2Query, true) => ("503 Service Unavailable", "", "RequestLimitExceeded"),
        (Protocol::Ec2Query, false) => ("500 Internal Server Error", "", "InternalError"),
        (Protocol::AwsQuery, true) => ("400 Bad Request", "Sender", "Throttling"),
        (Protocol::AwsQuery, false) => ("500 Internal Server Error", "Receiver", "InternalFailure"),
        (Protocol::AwsJson, true) => ("400 Bad Request", "", "ThrottlingException"),
        (Protocol::RestJson, true) => ("429 Too Many Requests", "", "TooManyRequestsException"),
        (Protocol::AwsJson | Protocol::RestJson, false) => {
            ("500 Internal Server Error", "", "ServerException")
        }
    };
    let (headers, body) = error_body(p, kind, code, "injected by the test proxy");
    (status, headers, body)
}

/// The headers and body of an AWS error in protocol `p`: EC2's `<Response><Errors>`, the query
/// protocol's `<ErrorResponse>` with its `kind` (Sender or Receiver), JSON's `__type`.
pub(super) fn error_body(
    p: Protocol,
    kind: &str,
    code: &str,
    message: &str,
) -> (Vec<(String, String)>, String) {
    let header = |k: &str, v: &str| (k.to_string(), v.to_string());
    match p {
        Protocol::Ec2Query => (
            vec![header("Content-Type", "text/xml")],
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error>\
                 <Code>{code}</Code><Message>{message}</Message></Error></Errors>\
                 <RequestID>fault</RequestID></Response>"
            ),
        ),
        Protocol::AwsQuery => (
            vec![header("Content-Type", "text/xml")],
            format!(
                "<ErrorResponse><Error><Type>{kind}</Type><Code>{code}</Code>\
                 <Message>{message}</Message></Error>\
                 <RequestId>fault</RequestId></ErrorResponse>"
            ),
        ),
        Protocol::AwsJson | Protocol::RestJson => (
            vec![
                header("Content-Type", "application/json"),
                header("x-amzn-ErrorType", code),
            ],
            serde_json::json!({"__type": code, "message": message}).to_string(),
        ),
    }
}
