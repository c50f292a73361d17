//! The router: classifies a marked question before any SQL is written — a question, a summary request, a
//! follow-up to the previous turn, help, "forget", or chit-chat/out-of-scope (politely refused). Deterministic:
//! word cues only; `route_llm` asks a configured LLM when these cues are not decisive.

/// What a question asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    Question,
    /// A follow-up amending the previous turn ("and in 2024?"): a question read with the previous intent.
    FollowUp,
    /// A KPI pack with a narrative ("summarize sales in 2024").
    Summary,
    /// "What can you answer?": datasets, measures, dimensions, examples.
    Help,
    /// Clears the conversation.
    Forget,
    /// Greetings, thanks, small talk: a polite refusal.
    ChitChat,
}

fn words(q: &str) -> Vec<String> {
    q.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

const FOLLOW_UP_STARTS: &[&str] = &[
    "and",
    "only",
    "just",
    "same",
    "now",
    "break",
    "also",
    "then",
    "instead",
    "but",
    "split",
    "drill",
    "what about",
    "how about",
];

/// Classifies a question. `has_previous` says whether a previous turn exists.
pub fn route(question: &str, has_previous: bool) -> Route {
    let w = words(question);
    let text = w.join(" ");
    if matches!(
        text.as_str(),
        "forget" | "forget it" | "forget everything" | "reset" | "new conversation" | "start over"
    ) {
        return Route::Forget;
    }
    let help = [
        "what can you answer",
        "what can i ask",
        "what can you do",
        "what do you know",
        "help",
        "what questions",
        "which questions",
    ];
    if help
        .iter()
        .any(|h| text == *h || text.starts_with(&format!("{h} ")))
    {
        return Route::Help;
    }
    if crate::agent::nl::safety::is_summary(&crate::agent::nl::lexer::tokenize(question)) {
        return Route::Summary;
    }
    let chit = [
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank you",
        "good morning",
        "how are you",
        "who are you",
        "bye",
        "ok",
        "cool",
    ];
    if chit.iter().any(|c| text == *c) || w.is_empty() {
        return Route::ChitChat;
    }
    if has_previous
        && w.len() <= 8
        && FOLLOW_UP_STARTS
            .iter()
            .any(|s| text == *s || text.starts_with(&format!("{s} ")))
    {
        return Route::FollowUp;
    }
    Route::Question
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        assert_eq!(route("forget", true), Route::Forget);
        assert_eq!(route("What can you answer?", false), Route::Help);
        assert_eq!(
            route("Give me a summary of sales performance in 2024", false),
            Route::Summary
        );
        assert_eq!(
            route("executive summary for the NORTH region", false),
            Route::Summary
        );
        assert_eq!(route("How did we do in 2023?", false), Route::Summary);
        assert_eq!(route("hello", false), Route::ChitChat);
        assert_eq!(route("and in 2024?", true), Route::FollowUp);
        assert_eq!(route("and in 2024?", false), Route::Question);
        assert_eq!(route("what about orders?", true), Route::FollowUp);
        assert_eq!(route("revenue by region in 2023", true), Route::Question);
    }
}
