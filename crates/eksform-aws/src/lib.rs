//! eksform against AWS: the account read and written (`aws`, one module per service and
//! kind), the executor that applies a plan (`apply`), and the operations the command line
//! runs, for one cluster and for fleets (`ops`). Everything it reads and builds comes from
//! `eksform-core`.

pub mod apply;
pub mod aws;
pub mod ops;
