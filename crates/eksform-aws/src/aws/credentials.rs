//! AWS credentials, resolved once before the first call: a machine with none gets one clear
//! error naming every place the standard chain looked, at once, instead of a connection error
//! after the first call's retries (each retry asked the chain again, with backoff in between).
//! The credentials found are handed to the SDK's own cache, so the chain is not asked twice
//! (a `credential_process` or an SSO exchange would otherwise run twice).
//!
//! No time limit is put on the chain: an SSO exchange, an assumed role or a
//! `credential_process` prompting for an MFA code may legitimately take seconds. The fast
//! failure comes from the SDK's own metadata client, which gives up on an unreachable instance
//! metadata endpoint after one connect attempt of a second (a real one answers in
//! milliseconds) and retries only a metadata service that answered.

use super::error::{AwsError, ErrorKind};
use aws_config::Region;
use aws_config::environment::region::EnvironmentVariableRegionProvider;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::region::ProfileFileRegionProvider;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// The process-wide default region, which only credential providers calling STS use (every
/// client gets its cluster's region): the environment's or the profile's, else `us-east-1`,
/// STS's global endpoint. Instance metadata is not asked here, as the SDK's default would do
/// (once for the configuration and again for each credential and token chain): off EC2 each
/// of those asks costs a second of connect timeout, before the credentials are even looked at.
pub fn default_region() -> RegionProviderChain {
    RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(ProfileFileRegionProvider::new())
        .or_else(Region::new("us-east-1"))
}

/// `conf` with its credentials resolved: the same chain behind a provider that hands the SDK
/// what was just found, then asks the chain again whenever the SDK's cache needs a refresh.
pub async fn resolved(conf: aws_config::SdkConfig) -> Result<aws_config::SdkConfig, AwsError> {
    let Some(chain) = conf.credentials_provider() else {
        return Ok(conf);
    };
    let first = chain
        .provide_credentials()
        .await
        .map_err(|e| unavailable(&e))?;
    let primed = Primed {
        chain,
        first: Mutex::new(Some(first)),
    };
    Ok(conf
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(primed))
        .build())
}

#[derive(Debug)]
struct Primed {
    chain: SharedCredentialsProvider,
    first: Mutex<Option<Credentials>>,
}

impl ProvideCredentials for Primed {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        let first = self.first.lock().map(|mut f| f.take()).unwrap_or(None);
        match first.filter(still_fresh) {
            Some(credentials) => future::ProvideCredentials::ready(Ok(credentials)),
            None => self.chain.provide_credentials(),
        }
    }
}

/// Valid for a while yet: credentials about to expire are fetched again instead.
fn still_fresh(c: &Credentials) -> bool {
    let margin = SystemTime::now() + Duration::from_secs(300);
    c.expiry().is_none_or(|at| at > margin)
}

/// The error for a chain that found nothing, or whose source failed.
fn unavailable(e: &CredentialsError) -> AwsError {
    let places = chain_description();
    let (code, message) = match e {
        CredentialsError::CredentialsNotLoaded(_) => (
            "NoCredentials",
            format!("no AWS credentials found; eksform looked, in order, at:{places}"),
        ),
        _ => (
            "CredentialsUnavailable",
            format!(
                "cannot load AWS credentials: {}; eksform looks, in order, at:{places}",
                causes(e)
            ),
        ),
    };
    let mut err = AwsError::local("AWS", "credentials", code, message);
    err.kind = ErrorKind::Denied;
    err.hint = Some(
        "run `aws configure` (or `aws sso login --profile NAME`) and set AWS_PROFILE, or export \
         AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY; on EC2, attach an instance profile"
            .into(),
    );
    err
}

/// The standard chain's sources, with what selects each, in the order they are tried.
fn chain_description() -> String {
    let profile = std::env::var("AWS_PROFILE").unwrap_or_else(|_| "default".into());
    format!(
        "\n  1. the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)\
         \n  2. profile \"{profile}\" (AWS_PROFILE) in the shared files ~/.aws/credentials and \
         ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), with its SSO, role or \
         credential_process settings\
         \n  3. web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)\
         \n  4. the container credentials endpoint of ECS or EKS Pod Identity \
         (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI)\
         \n  5. EC2 instance metadata (unless AWS_EC2_METADATA_DISABLED=true)\n"
    )
}

/// An error and its sources, outermost first.
fn causes(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(cause) = next {
        out.push_str(&format!(": {cause}"));
        next = cause.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[derive(Debug)]
    struct Counting(Arc<AtomicUsize>, Option<SystemTime>);

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
        where
            Self: 'a,
        {
            self.0.fetch_add(1, Ordering::SeqCst);
            let c = Credentials::new("id", "secret", None, self.1, "counting");
            future::ProvideCredentials::ready(Ok(c))
        }
    }

    fn conf_with(provider: SharedCredentialsProvider) -> aws_config::SdkConfig {
        aws_config::SdkConfig::builder()
            .credentials_provider(provider)
            .build()
    }

    async fn calls_after_two_uses(expiry: Option<SystemTime>) -> usize {
        let calls = Arc::new(AtomicUsize::new(0));
        let counting = Counting(calls.clone(), expiry);
        let conf = conf_with(SharedCredentialsProvider::new(counting));
        let conf = resolved(conf).await.unwrap();
        let provider = conf.credentials_provider().unwrap();
        provider.provide_credentials().await.unwrap();
        provider.provide_credentials().await.unwrap();
        calls.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn the_chain_is_asked_once_for_the_first_call_then_for_each_refresh() {
        // The check and the SDK's first fetch share one resolution; later fetches ask again.
        assert_eq!(calls_after_two_uses(None).await, 2);
        // Credentials about to expire are not handed over: the SDK gets fresh ones.
        let soon = SystemTime::now() + Duration::from_secs(60);
        assert_eq!(calls_after_two_uses(Some(soon)).await, 3);
    }

    #[test]
    fn nothing_found_names_every_source_of_the_chain() {
        let e = unavailable(&CredentialsError::not_loaded("nothing"));
        assert_eq!(e.code, "NoCredentials");
        let text = e.to_string();
        for source in [
            "AWS_ACCESS_KEY_ID",
            "~/.aws/credentials",
            "AWS_PROFILE",
            "SSO",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "container credentials",
            "EC2 instance metadata",
            "hint: run `aws configure`",
        ] {
            assert!(text.contains(source), "{source}: {text}");
        }
        let e = unavailable(&CredentialsError::provider_error("the SSO session expired"));
        assert_eq!(e.code, "CredentialsUnavailable");
        assert!(e.to_string().contains("the SSO session expired"), "{e}");
    }
}
