// Package officials is the officials' side of the chat: figures, villages
// behind, reviews, digests, exports, lists and rounds as commands added to
// the engine's table, each calling office or report and rendering the answer.
package officials
