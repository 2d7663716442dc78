//! What `--debug` shows of the AWS layer: an SDK interceptor (`CallLog`) registered on every
//! client (`retry::client!`) that emits one `tracing` event per AWS call, with its service,
//! operation, latency, how many times it was sent and AWS's request id, and one event per
//! send the SDK retries, saying how the previous send ended. Events go to the `eksform::aws` target at DEBUG level;
//! nothing is printed unless the CLI installed a subscriber (`cli::debug`). It only observes:
//! it changes no request, answer or retry.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use std::time::{Duration, Instant};

/// The `tracing` target of every event this module emits.
pub const TARGET: &str = "eksform::aws";

/// The headers AWS answers a request id in (JSON and query services, then S3-style ones).
const REQUEST_ID_HEADERS: [&str; 3] = ["x-amzn-requestid", "x-amz-request-id", "x-amzn-request-id"];

/// The interceptor: see the module doc.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallLog;

/// One call in flight: when it started, how many sends it has made so far and how the last
/// one ended.
#[derive(Debug, Clone)]
struct InFlight {
    started: Instant,
    attempts: u32,
    last: Option<String>,
}

impl Storable for InFlight {
    type Storer = StoreReplace<Self>;
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "eksform::CallLog"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(InFlight {
            started: Instant::now(),
            attempts: 0,
            last: None,
        });
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(mut call) = cfg.load::<InFlight>().cloned() else {
            return Ok(());
        };
        call.attempts += 1;
        if call.attempts > 1 && tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            tracing::debug!(
                target: TARGET,
                "{} {} attempt {} after {}",
                service(cfg),
                operation(cfg),
                call.attempts,
                call.last.as_deref().unwrap_or("?")
            );
        }
        cfg.interceptor_state().store_put(call);
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            return Ok(());
        }
        if let Some(mut call) = cfg.load::<InFlight>().cloned() {
            call.last = Some(outcome(context.response()));
            cfg.interceptor_state().store_put(call);
        }
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !tracing::enabled!(target: TARGET, tracing::Level::DEBUG) {
            return Ok(());
        }
        let (latency, attempts) = cfg
            .load::<InFlight>()
            .map_or((Duration::ZERO, 0), |c| (c.started.elapsed(), c.attempts));
        tracing::debug!(
            target: TARGET,
            "{}",
            call_line(&Call {
                service: &service(cfg),
                operation: &operation(cfg),
                latency,
                attempts,
                request_id: context.response().and_then(request_id),
                outcome: outcome(context.response()),
            })
        );
        Ok(())
    }
}

/// What one finished call is reported with.
struct Call<'a> {
    service: &'a str,
    operation: &'a str,
    latency: Duration,
    attempts: u32,
    request_id: Option<&'a str>,
    outcome: String,
}

/// `ec2 DescribeVpcs 12ms attempts=1 request_id=abc HTTP 200`: one line per call.
fn call_line(c: &Call<'_>) -> String {
    format!(
        "{} {} {}ms attempts={} request_id={} {}",
        c.service,
        c.operation,
        c.latency.as_millis(),
        c.attempts,
        c.request_id.unwrap_or("-"),
        c.outcome
    )
}

/// The HTTP status of the last answer, or that none came (a dropped connection, a timeout).
fn outcome(response: Option<&HttpResponse>) -> String {
    response.map_or_else(
        || "no response".to_string(),
        |r| format!("HTTP {}", r.status().as_u16()),
    )
}

/// AWS's id of the request, from the answer's headers.
fn request_id(response: &HttpResponse) -> Option<&str> {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|h| response.headers().get(*h))
}

/// The operation's name as AWS spells it (DescribeVpcs).
fn operation(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map_or("?", Metadata::name)
        .to_string()
}

/// The service as the AWS CLI names it (ec2, elbv2, autoscaling), from the SDK's service name.
fn service(cfg: &ConfigBag) -> String {
    cli_name(cfg.load::<Metadata>().map_or("?", Metadata::service))
}

fn cli_name(sdk_service: &str) -> String {
    match sdk_service {
        "Elastic Load Balancing v2" => "elbv2".to_string(),
        "Auto Scaling" => "autoscaling".to_string(),
        other => other.to_lowercase().replace(' ', "-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_line_names_service_operation_latency_attempts_and_request_id() {
        let line = call_line(&Call {
            service: &cli_name("EC2"),
            operation: "DescribeVpcs",
            latency: Duration::from_millis(42),
            attempts: 3,
            request_id: Some("req-1"),
            outcome: "HTTP 200".into(),
        });
        assert_eq!(
            line,
            "ec2 DescribeVpcs 42ms attempts=3 request_id=req-1 HTTP 200"
        );
        let no_answer = call_line(&Call {
            service: &cli_name("Auto Scaling"),
            operation: "DescribeAutoScalingGroups",
            latency: Duration::from_secs(2),
            attempts: 12,
            request_id: None,
            outcome: outcome(None),
        });
        assert_eq!(
            no_answer,
            "autoscaling DescribeAutoScalingGroups 2000ms attempts=12 request_id=- no response"
        );
    }

    #[test]
    fn services_take_the_aws_cli_names() {
        assert_eq!(cli_name("EKS"), "eks");
        assert_eq!(cli_name("Elastic Load Balancing v2"), "elbv2");
        assert_eq!(cli_name("CloudFormation"), "cloudformation");
    }
}
