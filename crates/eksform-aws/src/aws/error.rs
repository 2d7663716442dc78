//! The AWS layer's error: service, operation, the AWS error code (matched by code, never by
//! message text) and a hint saying what to do.

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The resource does not exist (any NotFound-style code).
    NotFound,
    /// Throttling, 5xx or a dropped connection: worth retrying.
    Transient,
    /// A dependency still holds the resource (DependencyViolation, ResourceInUse).
    InUse,
    /// Credentials or permissions.
    Denied,
    /// Anything else.
    Other,
}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{service} {operation}: {code}: {message}{}", hint.as_deref().map(|h| format!(" (hint: {h})")).unwrap_or_default())]
pub struct AwsError {
    pub service: &'static str,
    pub operation: &'static str,
    pub code: String,
    pub message: String,
    pub kind: ErrorKind,
    pub hint: Option<String>,
    /// For an `InUse` refusal: what holds the resource will not go away by itself (it is not
    /// part of the plan being applied), so waiting for it is pointless (see `aws::in_use`).
    pub lasting: bool,
}

impl AwsError {
    pub fn new(
        service: &'static str,
        operation: &'static str,
        code: &str,
        message: impl Into<String>,
    ) -> AwsError {
        let kind = classify(code);
        AwsError {
            service,
            operation,
            code: code.to_string(),
            message: message.into(),
            kind,
            hint: hint_for(kind, service, operation),
            lasting: false,
        }
    }

    /// Converts an SDK error, keeping its code.
    pub fn from_sdk<E, R>(
        service: &'static str,
        operation: &'static str,
        err: SdkError<E, R>,
    ) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match &err {
            SdkError::ServiceError(se) => {
                let e = se.err();
                let code = e.code().unwrap_or("Unknown");
                AwsError::new(
                    service,
                    operation,
                    code,
                    e.message().unwrap_or("").to_string(),
                )
            }
            SdkError::TimeoutError(_)
            | SdkError::DispatchFailure(_)
            | SdkError::ResponseError(_) => {
                let mut e = AwsError::new(
                    service,
                    operation,
                    "ConnectionError",
                    format!("{}", DisplayChain(&err)),
                );
                e.kind = ErrorKind::Transient;
                e.hint = Some(
                    "check the network and AWS_ENDPOINT_URL; the call is safe to retry".into(),
                );
                e
            }
            _ => AwsError::new(
                service,
                operation,
                "ClientError",
                format!("{}", DisplayChain(&err)),
            ),
        }
    }

    /// An error of our own making (a waiter that timed out, an unexpected response).
    pub fn local(
        service: &'static str,
        operation: &'static str,
        code: &str,
        message: impl Into<String>,
    ) -> AwsError {
        AwsError::new(service, operation, code, message)
    }

    pub fn is_not_found(&self) -> bool {
        self.kind == ErrorKind::NotFound
    }
}

fn classify(code: &str) -> ErrorKind {
    const TRANSIENT: &[&str] = &[
        "Throttling",
        "ThrottlingException",
        "RequestLimitExceeded",
        "TooManyRequestsException",
        "InternalError",
        "InternalFailure",
        "ServiceUnavailable",
        "RequestTimeout",
    ];
    if TRANSIENT.contains(&code) {
        ErrorKind::Transient
    } else if code.contains("NotFound")
        || code == "NoSuchEntity"
        || code == "ValidationError.NotFound"
    {
        ErrorKind::NotFound
    } else if code == "DependencyViolation"
        || code == "ResourceInUse"
        || code.contains("InUse")
        || code == "DeleteConflict"
    {
        ErrorKind::InUse
    } else if code == "AccessDenied"
        || code == "AccessDeniedException"
        || code == "UnauthorizedOperation"
        || code.contains("AuthFailure")
        || code == "InvalidClientTokenId"
        || code == "ExpiredToken"
    {
        ErrorKind::Denied
    } else {
        ErrorKind::Other
    }
}

fn hint_for(kind: ErrorKind, service: &str, operation: &str) -> Option<String> {
    match kind {
        ErrorKind::Denied => Some(format!(
            "the caller needs the IAM permission {}:{}; check AWS_PROFILE and the role's policies",
            service.to_lowercase(),
            operation
        )),
        ErrorKind::Transient => {
            Some("AWS is throttling or unavailable; run again to resume".into())
        }
        ErrorKind::InUse => {
            Some("something still uses this resource; run again once it drained".into())
        }
        _ => None,
    }
}

/// Formats an error with its sources, which the SDK hides behind "dispatch failure".
struct DisplayChain<'a>(&'a dyn std::error::Error);

impl std::fmt::Display for DisplayChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut src = self.0.source();
        while let Some(s) = src {
            write!(f, ": {s}")?;
            src = s.source();
        }
        Ok(())
    }
}
