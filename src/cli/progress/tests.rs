use super::*;
use eksform_aws::ops::AwsError;
use indicatif::InMemoryTerm;

fn started(address: &str, step: Step) -> Event {
    Event::Started {
        address: address.into(),
        step,
    }
}

fn done(address: &str, step: Step) -> Event {
    Event::Done {
        address: address.into(),
        step,
        id: Some("nat-0abc".into()),
        elapsed: Duration::from_millis(12_300),
    }
}

fn on_term(term: &InMemoryTerm) -> Spinners {
    Spinners::with_target(
        ProgressDrawTarget::term_like(Box::new(term.clone())),
        Style::Plain,
    )
}

#[test]
fn verbs_follow_the_step() {
    assert_eq!(verb(Step::Create), "creating");
    assert_eq!(verb(Step::Update), "updating");
    assert_eq!(verb(Step::Destroy), "destroying");
    assert_eq!(
        spinner_text(Step::Create, "nat_gateway.eu-north-1a"),
        "creating nat_gateway.eu-north-1a"
    );
    assert_eq!(
        spinner_text(Step::Destroy, "vpc.main"),
        "destroying vpc.main"
    );
}

#[test]
fn elapsed_is_short_and_zero_padded() {
    let s = |n| short_elapsed(Duration::from_secs(n));
    assert_eq!(s(0), "0s");
    assert_eq!(s(12), "12s");
    assert_eq!(s(59), "59s");
    assert_eq!(s(60), "1m00s");
    assert_eq!(s(185), "3m05s");
    assert_eq!(s(3725), "1h02m05s");
    assert_eq!(short_elapsed(Duration::from_millis(12_900)), "12s");
}

#[test]
fn finished_lines_are_the_plain_lines_and_coloured_only_in_colour() {
    let e = done("vpc.main", Step::Create);
    assert_eq!(paint(Style::Plain, "32", &event_text(&e)), event_text(&e));
    let coloured = paint(Style::Color, "32", &event_text(&e));
    assert!(coloured.starts_with("\x1b[32m") && coloured.contains("vpc.main: create done"));
}

#[test]
fn a_running_change_shows_a_spinner_and_a_finished_one_a_permanent_line() {
    let term = InMemoryTerm::new(20, 100);
    let view = on_term(&term);
    view.on_event(&started("nat_gateway.eu-north-1a", Step::Create));
    view.on_event(&started("vpc.other", Step::Destroy));
    let screen = term.contents();
    assert!(
        screen.contains("creating nat_gateway.eu-north-1a  0s"),
        "{screen}"
    );
    assert!(screen.contains("destroying vpc.other"), "{screen}");

    view.on_event(&done("nat_gateway.eu-north-1a", Step::Create));
    let screen = term.contents();
    assert!(
        screen.contains("nat_gateway.eu-north-1a: create done (nat-0abc) [12.3s]"),
        "{screen}"
    );
    assert!(!screen.contains("creating nat_gateway"), "{screen}");
    assert!(screen.contains("destroying vpc.other"), "{screen}");

    view.clear();
    let screen = term.contents();
    assert!(!screen.contains("destroying vpc.other"), "{screen}");
    assert!(
        screen.contains("nat_gateway.eu-north-1a: create done"),
        "{screen}"
    );
}

#[test]
fn a_failed_change_leaves_its_error_and_progress_events_draw_nothing_new() {
    let term = InMemoryTerm::new(20, 100);
    let view = on_term(&term);
    view.on_event(&started("subnet.public-a", Step::Create));
    view.on_event(&Event::Progress {
        address: "subnet.public-a".into(),
        step: Step::Create,
        elapsed: Duration::from_secs(10),
        detail: None,
    });
    assert!(
        !term.contents().contains("still creat"),
        "{}",
        term.contents()
    );
    view.on_event(&Event::Failed {
        address: "subnet.public-a".into(),
        step: Step::Create,
        error: AwsError::local("EC2", "CreateSubnet", "InvalidParameterValue", "bad cidr"),
        elapsed: Duration::from_secs(1),
    });
    view.clear();
    let screen = term.contents();
    assert!(
        screen.contains("subnet.public-a: create FAILED:") && screen.contains("bad cidr"),
        "{screen}"
    );
    assert!(!screen.contains("creating subnet.public-a"), "{screen}");
}

#[test]
fn a_hidden_target_draws_nothing_and_still_tracks_bars() {
    let view = Spinners::with_target(ProgressDrawTarget::hidden(), Style::Plain);
    view.on_event(&started("vpc.main", Step::Create));
    assert_eq!(view.bars().len(), 1);
    view.on_event(&done("vpc.main", Step::Create));
    assert!(view.bars().is_empty());
}

#[test]
fn a_waiters_status_joins_the_spinner_text() {
    let term = InMemoryTerm::new(20, 100);
    let view = on_term(&term);
    view.on_event(&started("autoscaling_group.web", Step::Update));
    view.on_event(&Event::Progress {
        address: "autoscaling_group.web".into(),
        step: Step::Update,
        elapsed: Duration::from_secs(10),
        detail: Some("instance refresh 40%, 2 instances to update".into()),
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        term.contents().contains(
            "updating autoscaling_group.web: instance refresh 40%, 2 instances to update"
        ),
        "{}",
        term.contents()
    );
}
