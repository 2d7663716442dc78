//! The lock's AWS calls: one DynamoDB table (`eksform-locks`, created on first use) with one
//! item per `<region>/<cluster>`, taken and released only by conditional writes so that two
//! processes can never both believe they hold it. This module is deliberately narrow (ensure
//! the table, acquire, take over, renew, release, read, force-delete); lease lengths, renewal,
//! waiting and when a holder counts as dead are policy and live in `apply::lock`.

use super::AwsError;
use aws_config::Region;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::client::Waiters;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, KeySchemaElement, KeyType,
    ScalarAttributeType,
};
use std::collections::HashMap;
use std::time::Duration;

/// The table every cluster's lock lives in (one per account and region).
pub const TABLE: &str = "eksform-locks";
const SERVICE: &str = "DynamoDB";
const CONDITION_FAILED: &str = "ConditionalCheckFailedException";
const TABLE_WAIT: Duration = Duration::from_secs(120);

/// Who holds a lock and until when; times are seconds since the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// `user@host`.
    pub who: String,
    pub pid: u32,
    pub since: u64,
    pub lease_until: u64,
    /// Unique per acquisition: renew and release are conditional on it, so a run whose lease
    /// was taken over (or force-unlocked) can never renew or delete the new holder's lock.
    pub token: String,
    /// Where `pid` means something (the boot and process namespace it ran in); empty when the
    /// holder's platform gives none, or the record predates it.
    pub machine: String,
}

/// What an acquire attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Acquire {
    Taken,
    /// Someone else holds a live lease.
    HeldBy(Holder),
}

pub struct LockStore {
    client: Client,
}

impl LockStore {
    pub fn new(conf: &aws_config::SdkConfig) -> LockStore {
        LockStore {
            client: crate::aws::retry::client!(aws_sdk_dynamodb, conf),
        }
    }

    /// Over the process's configuration (`Cloud::load_conf`: its credentials, HTTP client and
    /// retries — a throttled acquire must not fail a run that would otherwise have converged),
    /// in `region`.
    pub async fn connect(region: &str) -> Result<LockStore, AwsError> {
        let conf = crate::aws::Cloud::load_conf().await?;
        Ok(LockStore::new(
            &conf
                .to_builder()
                .region(Region::new(region.to_string()))
                .build(),
        ))
    }

    /// Creates the table when it does not exist yet and waits until it is active.
    pub async fn ensure_table(&self) -> Result<(), AwsError> {
        match self.client.describe_table().table_name(TABLE).send().await {
            Ok(_) => return self.wait_active().await,
            Err(e) => {
                let err = AwsError::from_sdk(SERVICE, "DescribeTable", e);
                if err.code != "ResourceNotFoundException" {
                    return Err(err);
                }
            }
        }
        let created = self
            .client
            .create_table()
            .table_name(TABLE)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .map_err(|e| build_error("CreateTable", e))?,
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type(KeyType::Hash)
                    .build()
                    .map_err(|e| build_error("CreateTable", e))?,
            )
            .send()
            .await;
        if let Err(e) = created {
            let err = AwsError::from_sdk(SERVICE, "CreateTable", e);
            // Another first run created it at the same moment: the table is what we wanted.
            if err.code != "ResourceInUseException" {
                return Err(err);
            }
        }
        self.wait_active().await
    }

    async fn wait_active(&self) -> Result<(), AwsError> {
        self.client
            .wait_until_table_exists()
            .table_name(TABLE)
            .wait(TABLE_WAIT)
            .await
            .map(|_| ())
            .map_err(|e| {
                AwsError::local(
                    SERVICE,
                    "DescribeTable",
                    "TableNotActive",
                    format!("table {TABLE} did not become active: {e}"),
                )
            })
    }

    /// Writes `holder` as the lock for `key` unless a live lease (not expired at `now`) exists.
    pub async fn acquire(&self, key: &str, holder: &Holder, now: u64) -> Result<Acquire, AwsError> {
        let put = self
            .client
            .put_item()
            .table_name(TABLE)
            .set_item(Some(item(key, holder)))
            .condition_expression("attribute_not_exists(id) OR lease_until < :now")
            .expression_attribute_values(":now", num(now))
            .send()
            .await;
        match put {
            Ok(_) => Ok(Acquire::Taken),
            Err(e) => {
                let err = AwsError::from_sdk(SERVICE, "PutItem", e);
                if err.code != CONDITION_FAILED {
                    return Err(err);
                }
                match self.read(key).await? {
                    Some(current) => Ok(Acquire::HeldBy(current)),
                    // Released between our write and our read: the caller simply tries again.
                    None => Box::pin(self.acquire(key, holder, now)).await,
                }
            }
        }
    }

    /// Writes `holder` over the lock held under `old_token` (a dead run's), whatever its lease:
    /// conditional on that token, so of two runs racing for the same dead lock only one gets it.
    /// False when the lock changed hands or was released meanwhile.
    pub async fn take_over(
        &self,
        key: &str,
        holder: &Holder,
        old_token: &str,
    ) -> Result<bool, AwsError> {
        let out = self
            .client
            .put_item()
            .table_name(TABLE)
            .set_item(Some(item(key, holder)))
            .condition_expression("#t = :old")
            .expression_attribute_names("#t", "token")
            .expression_attribute_values(":old", AttributeValue::S(old_token.to_string()))
            .send()
            .await;
        still_ours(out.map(|_| ()), "PutItem")
    }

    /// Extends the lease to `lease_until`; false when the lock is no longer ours.
    pub async fn renew(&self, key: &str, token: &str, lease_until: u64) -> Result<bool, AwsError> {
        let out = self
            .client
            .update_item()
            .table_name(TABLE)
            .key("id", AttributeValue::S(key.to_string()))
            .update_expression("SET lease_until = :until")
            .condition_expression("#t = :token")
            .expression_attribute_names("#t", "token")
            .expression_attribute_values(":until", num(lease_until))
            .expression_attribute_values(":token", AttributeValue::S(token.to_string()))
            .send()
            .await;
        still_ours(out.map(|_| ()), "UpdateItem")
    }

    /// Deletes the lock if it is still ours; false when it was not.
    pub async fn release(&self, key: &str, token: &str) -> Result<bool, AwsError> {
        let out = self
            .client
            .delete_item()
            .table_name(TABLE)
            .key("id", AttributeValue::S(key.to_string()))
            .condition_expression("#t = :token")
            .expression_attribute_names("#t", "token")
            .expression_attribute_values(":token", AttributeValue::S(token.to_string()))
            .send()
            .await;
        still_ours(out.map(|_| ()), "DeleteItem")
    }

    /// The current holder, expired or not; None when nobody holds the lock.
    pub async fn read(&self, key: &str) -> Result<Option<Holder>, AwsError> {
        let out = self
            .client
            .get_item()
            .table_name(TABLE)
            .key("id", AttributeValue::S(key.to_string()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(SERVICE, "GetItem", e))?;
        Ok(out.item().map(holder_of))
    }

    /// Deletes the lock whoever holds it (`eksform force-unlock`).
    pub async fn force(&self, key: &str) -> Result<(), AwsError> {
        self.client
            .delete_item()
            .table_name(TABLE)
            .key("id", AttributeValue::S(key.to_string()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk(SERVICE, "DeleteItem", e))
    }
}

fn still_ours<E, R>(
    out: Result<(), aws_smithy_runtime_api::client::result::SdkError<E, R>>,
    operation: &'static str,
) -> Result<bool, AwsError>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match out {
        Ok(()) => Ok(true),
        Err(e) => {
            let err = AwsError::from_sdk(SERVICE, operation, e);
            if err.code == CONDITION_FAILED {
                Ok(false)
            } else {
                Err(err)
            }
        }
    }
}

fn build_error(operation: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::local(SERVICE, operation, "InvalidRequest", e.to_string())
}

fn num(n: impl ToString) -> AttributeValue {
    AttributeValue::N(n.to_string())
}

fn item(key: &str, h: &Holder) -> HashMap<String, AttributeValue> {
    HashMap::from([
        ("id".to_string(), AttributeValue::S(key.to_string())),
        ("who".to_string(), AttributeValue::S(h.who.clone())),
        ("pid".to_string(), num(h.pid)),
        ("since".to_string(), num(h.since)),
        ("lease_until".to_string(), num(h.lease_until)),
        ("token".to_string(), AttributeValue::S(h.token.clone())),
        ("machine".to_string(), AttributeValue::S(h.machine.clone())),
    ])
}

/// Reads an item leniently: a lock written by hand or by another version still names a holder.
fn holder_of(item: &HashMap<String, AttributeValue>) -> Holder {
    let s = |k: &str| {
        item.get(k)
            .and_then(|v| v.as_s().ok())
            .cloned()
            .unwrap_or_default()
    };
    let n = |k: &str| {
        item.get(k)
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Holder {
        who: s("who"),
        pid: u32::try_from(n("pid")).unwrap_or(0),
        since: n("since"),
        lease_until: n("lease_until"),
        token: s("token"),
        machine: s("machine"),
    }
}
