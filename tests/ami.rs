//! AMI resolution through AWS's public SSM parameters, as `plan` does for a node group without
//! `ami`. moto has none of those parameters and refuses names under `/aws/` (as AWS does), so
//! the parameter store is faked at the SDK boundary: an interceptor answers `GetParameter` for
//! the public parameters it knows, the way AWS would, and lets moto answer every other call
//! (a parameter it does not know is moto's own `ParameterNotFound`).

mod common;

use aws_sdk_ssm::config::interceptors::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextMut,
};
use aws_sdk_ssm::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_ssm::operation::get_parameter::GetParameterOutput;
use aws_sdk_ssm::types::Parameter;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::Output;
use eksform::aws::{Account, ErrorKind, ami_parameter};
use eksform::config::AmiFamily;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const REGION: &str = "us-east-1";

#[derive(Debug, Default)]
struct Store {
    known: BTreeMap<String, String>,
    /// The value of the parameter the call in flight asked for, when known.
    answer: Mutex<Option<(String, String)>>,
    asked: Mutex<Vec<String>>,
}

/// The fake, installed in the SSM client; the test keeps a handle on its store to read what was
/// asked.
#[derive(Debug, Clone)]
struct PublicParameters(Arc<Store>);

impl Intercept for PublicParameters {
    fn name(&self) -> &'static str {
        "PublicParameters"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = ctx.request_mut();
        let target = req.headers().get("x-amz-target").unwrap_or_default();
        if !target.ends_with(".GetParameter") {
            return Ok(());
        }
        let body: serde_json::Value =
            serde_json::from_slice(req.body().bytes().unwrap_or_default())?;
        let name = body["Name"].as_str().unwrap_or_default().to_string();
        self.0.asked.lock().unwrap().push(name.clone());
        if let Some(value) = self.0.known.get(&name) {
            *self.0.answer.lock().unwrap() = Some((name, value.clone()));
        }
        Ok(())
    }

    fn modify_before_attempt_completion(
        &self,
        ctx: &mut FinalizerInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some((name, value)) = self.0.answer.lock().unwrap().take() else {
            return Ok(());
        };
        let out = GetParameterOutput::builder()
            .parameter(Parameter::builder().name(name).value(value).build())
            .build();
        if let Some(slot) = ctx.output_or_error_mut() {
            *slot = Ok(Output::erase(out));
        }
        Ok(())
    }
}

fn known() -> BTreeMap<String, String> {
    [
        (AmiFamily::AmazonLinux2023, "t3.medium", "ami-0a12023x86"),
        (AmiFamily::AmazonLinux2023, "m7g.large", "ami-0a12023arm"),
        (AmiFamily::AmazonLinux2, "t3.medium", "ami-0a12x86"),
        (AmiFamily::Bottlerocket, "c6g.xlarge", "ami-0b0ttlearm"),
    ]
    .into_iter()
    .map(|(family, ty, ami)| (ami_parameter(family, "1.34", ty), ami.to_string()))
    .collect()
}

#[tokio::test]
async fn the_ami_comes_from_the_family_version_and_architecture_parameter() {
    let moto = common::Moto::start();
    let conf = moto.sdk_config(REGION).await;
    let fake = PublicParameters(Arc::new(Store {
        known: known(),
        ..Store::default()
    }));
    let ssm_conf = aws_sdk_ssm::config::Builder::from(&conf)
        .interceptor(fake.clone())
        .build();
    let account = Account::from_clients(
        aws_sdk_ec2::Client::new(&conf),
        aws_sdk_ssm::Client::from_conf(ssm_conf),
    );
    let cases = [
        (AmiFamily::AmazonLinux2023, "t3.medium", "ami-0a12023x86"),
        (AmiFamily::AmazonLinux2023, "m7g.large", "ami-0a12023arm"),
        (AmiFamily::AmazonLinux2, "t3.medium", "ami-0a12x86"),
        (AmiFamily::Bottlerocket, "c6g.xlarge", "ami-0b0ttlearm"),
    ];
    for (family, ty, want) in cases {
        let got = account.resolve_ami(family, "1.34", ty).await.unwrap();
        assert_eq!(got, want, "{family:?} {ty}");
    }
    let asked = fake.0.asked.lock().unwrap().clone();
    assert_eq!(
        asked[1],
        "/aws/service/eks/optimized-ami/1.34/amazon-linux-2023/arm64/standard/recommended/image_id"
    );
    // A version AWS publishes no AMI for fails naming the parameter it looked for.
    let err = account
        .resolve_ami(AmiFamily::AmazonLinux2023, "1.99", "t3.medium")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound, "{err}");
    assert!(
        err.message
            .contains("/aws/service/eks/optimized-ami/1.99/amazon-linux-2023/x86_64/"),
        "{err}"
    );
}
