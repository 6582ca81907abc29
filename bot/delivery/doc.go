// Package delivery moves messages between the chat platforms and the
// engine: the receiver keeps updates in the inbox before they are
// acknowledged and hands them to the engine, each chat's in order, chats in
// turn, registered users before strangers, with a bound on what one chat
// may have waiting; the sender delivers the outbox within each platform's
// limits, users' replies before refusals to strangers, retrying what can be
// retried. It also holds the contract the channel adapters fulfil and the
// helpers they share.
package delivery
