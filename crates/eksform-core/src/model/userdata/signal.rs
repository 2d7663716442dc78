//! A completion signal added to rendered user data: the step that tells an orchestrator waiting
//! for the node (a CloudFormation `CreationPolicy`) whether bootstrap succeeded. Only the
//! CloudFormation renderer asks for it; the user data eksform applies itself never carries it.
//!
//! It works on the text `render` produced (the renderer holds the model's user data, not the
//! node group), and is the one place besides the family modules that knows those shapes: AL2
//! is one bash script, AL2023 a MIME document, Bottlerocket TOML settings with no shell at all.
//! The signal command itself is the caller's: this module only decides where it runs and which
//! exit code it carries. It must not change what the node runs before the signal.

use super::al2::EXTRA_FILE;
use super::al2023::{BOUNDARY, SHELL};

/// The shell command sending a signal with exit code `code` (a shell word, e.g. `$?`).
pub type SignalCommand<'a> = &'a dyn Fn(&str) -> String;

/// The program every signal runs: the caller's command must start with it (and a space), which
/// is how `without_signal` knows the line.
pub const CFN_SIGNAL: &str = "/opt/aws/bin/cfn-signal";

/// The line keeping bootstrap's status when more steps follow it on AL2.
const STATUS_LINE: &str = "bootstrap_status=$?\n";

/// Where the AL2023 signal script is written for the unit that runs it.
const AL2023_SCRIPT: &str = "/etc/eksform/cfn-signal.sh";

/// The user data with the signal as its last step, or `None` for a family that cannot run one
/// (Bottlerocket).
pub fn with_signal(user_data: &str, command: SignalCommand) -> Option<String> {
    if user_data.starts_with("#!/bin/bash\n") {
        Some(al2(user_data, command))
    } else if user_data.starts_with("MIME-Version: 1.0\n") {
        al2023(user_data, command)
    } else {
        None
    }
}

/// User data without the signal `with_signal` added, as the config gives it: what a
/// CloudFormation template adds to tell its stack about the node is not part of the node's
/// configuration, so a launch template CloudFormation made compares equal to the config's
/// (otherwise every cluster deployed through the template would roll its nodes on the next
/// `eksform apply`). Text without a signal comes back unchanged.
pub fn without_signal(user_data: &str) -> String {
    if user_data.starts_with("#!/bin/bash\n") {
        al2_without(user_data)
    } else if user_data.starts_with("MIME-Version: 1.0\n") {
        al2023_without(user_data)
    } else {
        user_data.to_string()
    }
}

/// The last line is the signal; `bootstrap_status=$?` the line `al2` put after bootstrap.
fn al2_without(script: &str) -> String {
    let body = script.strip_suffix('\n').unwrap_or(script);
    let Some((rest, last)) = body.rsplit_once('\n') else {
        return script.to_string();
    };
    if !last.starts_with(&format!("{CFN_SIGNAL} ")) {
        return script.to_string();
    }
    let rest = format!("{rest}\n");
    match rest.rfind(&format!("\n{STATUS_LINE}")) {
        Some(at) => format!("{}{}", &rest[..=at], &rest[at + 1 + STATUS_LINE.len()..]),
        None => rest,
    }
}

/// The last part is the signal part when it writes the signal script.
fn al2023_without(mime: &str) -> String {
    let end = format!("--{BOUNDARY}--\n");
    let part_start = format!("--{BOUNDARY}\nContent-Type: {SHELL}\n\n");
    let stripped = mime.strip_suffix(&end).and_then(|body| {
        let at = body.rfind(&part_start)?;
        body[at..]
            .contains(AL2023_SCRIPT)
            .then(|| format!("{}{end}", &body[..at]))
    });
    stripped.unwrap_or_else(|| mime.to_string())
}

/// AL2: the signal carries bootstrap's exit status. bootstrap.sh is the last command unless the
/// kubeletExtraConfig merge follows it; then its status is kept and signalled after the merge, so
/// the stack waits for the kubelet restart too. The AL2 EKS AMI ships `cfn-signal`. With an
/// `overrideBootstrapCommand` the user's script is last and its last command's status is sent.
fn al2(script: &str, command: SignalCommand) -> String {
    let merge = format!("\nmkdir -p /etc/eksform\ncat > {EXTRA_FILE} ");
    let mut out = match script.rfind(&merge) {
        Some(at) => {
            let (bootstrap, rest) = script.split_at(at + 1);
            let mut s = format!("{bootstrap}{STATUS_LINE}{rest}");
            s.push_str(&command("$bootstrap_status"));
            s
        }
        None => {
            let mut s = script.to_string();
            if !s.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&command("$?"));
            s
        }
    };
    out.push('\n');
    out
}

/// AL2023: one more shell part, after the NodeConfig parts. Script parts run inside cloud-init,
/// while kubelet is started by `nodeadm-run.service` only once cloud-init has finished, so the
/// part cannot wait for it inline: it hands the signal to a transient unit ordered after
/// nodeadm-run, which signals whether kubelet is then running. The AL2023 EKS AMI has no
/// `cfn-signal`: the part installs `aws-cfn-bootstrap` first; if that fails nothing can send a
/// signal, and the missing one fails the stack when the `CreationPolicy` times out.
fn al2023(mime: &str, command: SignalCommand) -> Option<String> {
    let end = format!("--{BOUNDARY}--\n");
    let body = mime.strip_suffix(&end)?;
    let part = format!(
        "#!/bin/bash\nset -o xtrace\ndnf install -y aws-cfn-bootstrap || exit 1\n\
         mkdir -p /etc/eksform\n\
         cat > {AL2023_SCRIPT} <<'EKSFORM_CFN_SIGNAL'\n#!/bin/bash\n\
         systemctl is-active --quiet kubelet.service\n{}\nEKSFORM_CFN_SIGNAL\n\
         systemd-run --no-block --unit eksform-cfn-signal \
         --property After=nodeadm-run.service /bin/bash {AL2023_SCRIPT}\n",
        command("$?")
    );
    Some(format!(
        "{body}--{BOUNDARY}\nContent-Type: {SHELL}\n\n{part}\n{end}"
    ))
}
