// Package delivery moves messages between the chat platforms and the
// engine: the receiver keeps updates in the inbox before they are
// acknowledged and hands them to the engine, one chat at a time; the sender
// delivers the outbox within each platform's limits, retrying what can be
// retried. It also holds the contract the channel adapters fulfil and the
// helpers they share.
package delivery
