//! The one HTTPS client every AWS client of the process sends through.

use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder, ConnectorBuilder, proxy::ProxyConfig};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::config_bag::ConfigBag;
use std::sync::{Arc, OnceLock};

/// The SDK's default HTTPS client (hyper with rustls over aws-lc, the proxy from
/// `HTTPS_PROXY` / `NO_PROXY`), made once for the whole process. Without it each service
/// client built from the configuration makes its own: its own connection pool and its own TLS
/// setup, the system's trusted certificates parsed again every time.
pub(super) fn shared_client() -> SharedHttpClient {
    let inner = Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    });
    checked_once(inner)
}

fn checked_once(inner: SharedHttpClient) -> SharedHttpClient {
    SharedHttpClient::new(CheckedOnce {
        inner,
        checked: Arc::new(OnceLock::new()),
    })
}

/// The client with its construction-time check run once, not once per service client: the
/// SDK's client builds a whole TLS connector in that check (to load the trusted certificates
/// early) and throws it away, a millisecond of CPU for each of the dozen clients of every
/// cluster; connectors for requests come from its cache either way.
#[derive(Debug, Clone)]
struct CheckedOnce {
    inner: SharedHttpClient,
    checked: Arc<OnceLock<Result<(), String>>>,
}

impl HttpClient for CheckedOnce {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.inner.http_connector(settings, components)
    }

    fn validate_base_client_config(
        &self,
        components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        let first = || {
            self.inner
                .validate_base_client_config(components, cfg)
                .map_err(|e| e.to_string())
        };
        self.checked.get_or_init(first).clone().map_err(Into::into)
    }

    fn validate_final_config(
        &self,
        components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(components, cfg)
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// Counts the construction-time checks it is asked for; sends nothing.
    #[derive(Debug)]
    struct Counting(Arc<AtomicUsize>);

    impl HttpClient for Counting {
        fn http_connector(
            &self,
            _: &HttpConnectorSettings,
            _: &RuntimeComponents,
        ) -> SharedHttpConnector {
            unreachable!("no request is sent")
        }

        fn validate_base_client_config(
            &self,
            _: &RuntimeComponentsBuilder,
            _: &ConfigBag,
        ) -> Result<(), BoxError> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    #[test]
    fn clients_of_every_service_and_region_share_one_check() {
        let checks = Arc::new(AtomicUsize::new(0));
        let conf = aws_config::SdkConfig::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .http_client(checked_once(SharedHttpClient::new(Counting(
                checks.clone(),
            ))))
            .build();
        for region in ["us-east-1", "eu-west-1"] {
            let conf = conf
                .to_builder()
                .region(aws_config::Region::new(region))
                .build();
            let _ = aws_sdk_ec2::Client::new(&conf);
            let _ = aws_sdk_eks::Client::new(&conf);
            let _ = aws_sdk_iam::Client::new(&conf);
        }
        assert_eq!(checks.load(Ordering::SeqCst), 1);
    }
}
