// Package officials is the office's side of the chat: figures, villages
// behind, reviews, digests, exports, lists and rounds, and the village
// review (meeting, posting, complaints, decision, requests for review) as
// commands added to the engine's table, each calling office or report and
// rendering the answer.
package officials
