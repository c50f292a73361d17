//! End-to-end tests of the engine on the demo catalog: each question class, follow-ups, refusals,
//! clarifications, an inferred flat schema, and a property test that random text never panics.

use std::sync::Arc;

use super::tests_support::demo_model;
use super::*;

fn engine() -> NlEngine {
    NlEngine::new(Arc::new(demo_model()))
}

fn plan(q: &str) -> NlPlan {
    match engine().plan(q, &NlContext::default()) {
        Ok(p) => p,
        Err(e) => panic!("{q}: {e:?}"),
    }
}

#[test]
fn plans_a_simple_aggregate() {
    let p = plan("What was the total revenue in 2023?");
    assert!(p.sql.contains("SUM(sales.revenue) AS revenue"), "{}", p.sql);
    assert!(p.sql.contains("sales.year = 2023"), "{}", p.sql);
    assert_eq!(p.interpretation, "read as: revenue, 2023");
}
