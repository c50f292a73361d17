//! LLM-assisted routing. The word cues of `router` decide most requests offline; when they are not decisive
//! and the semantic engine cannot read the request (or only guesses at its default measure), a configured LLM
//! classifies it into the same routes — so "give me the lowdown on 2023" becomes a summary and "tell me about
//! your day" a polite refusal instead of SQL. Without an LLM nothing here runs.

use crate::agent::context;
use crate::agent::llm::{self, LlmClient, LlmError};
use crate::agent::memory::Conversation;
use crate::agent::router::Route;
use crate::catalog::semantic::SemanticModel;

/// Classifies requests with the LLM.
pub struct LlmRouter {
    pub client: LlmClient,
    /// The `route.txt` template.
    pub prompt: String,
}

impl LlmRouter {
    /// The model's route for `question`, or None when its answer is not one of the labels.
    pub async fn classify(
        &self,
        model: &SemanticModel,
        question: &str,
        conv: &Conversation,
    ) -> Result<Option<Route>, LlmError> {
        let measures: Vec<&str> = model.measures.iter().map(|m| m.name.as_str()).collect();
        let dims: Vec<&str> = model.dimensions.iter().map(|d| d.name.as_str()).collect();
        let system = llm::render(
            &self.prompt,
            &[
                ("measures", &measures.join(", ")),
                ("dimensions", &dims.join(", ")),
            ],
        );
        let user = format!(
            "{}Request: {}\nLabel:",
            context::history(conv),
            question.trim()
        );
        let text = self.client.complete(&system, &user).await?;
        Ok(parse_label(&text, !conv.turns.is_empty()))
    }
}

/// Reads a label from the model's reply: the first word that is one. A follow-up without a previous turn is
/// a plain question; the model cannot ask to forget (only the user's own words do).
pub fn parse_label(text: &str, has_previous: bool) -> Option<Route> {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric() && c != '_' && c != '-')
        .find_map(|w| match w {
            "question" => Some(Route::Question),
            "follow_up" | "follow-up" | "followup" => Some(if has_previous {
                Route::FollowUp
            } else {
                Route::Question
            }),
            "summary" => Some(Route::Summary),
            "help" => Some(Route::Help),
            "chitchat" | "chit-chat" | "chit_chat" => Some(Route::ChitChat),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(parse_label("summary", false), Some(Route::Summary));
        assert_eq!(
            parse_label(" Label: CHITCHAT.", false),
            Some(Route::ChitChat)
        );
        assert_eq!(parse_label("follow_up", true), Some(Route::FollowUp));
        assert_eq!(parse_label("follow-up", false), Some(Route::Question));
        assert_eq!(parse_label("forget", true), None);
        assert_eq!(parse_label("Business was fine.", false), None);
    }
}
