package store

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A message handled is marked seen under a key of its channel and id, so a
// platform's repeat of it is dropped (Change.SeenKey).

// SeenKey is the mark of a message whose id is its platform's within one
// chat.
func SeenKey(channel, chatID, messageID string) string {
	return channel + ":" + chatID + ":" + messageID
}

// SeenKeyInOrder is the mark of an update numbered in one sequence for the
// whole bot (Telegram's update_id), by that number first, fixed-width, then
// its chat. The marks sort in the order the updates came: a flood's marks
// go side by side onto the bucket's last page, filled whole; kept by chat
// first, every answer's mark took a page of its own in each commit, a
// third of the commits' work at 1,000 heads (docs/BENCHMARKS.md, issue
// 22). The chat is still part of the mark, so that a number used again
// (Telegram starts anew after a quiet week, a new bot token) is a repeat
// only in the same chat, as when marks were kept by chat.
func SeenKeyInOrder(channel string, n uint64, chatID string) string {
	var digits [20]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	return channel + "#" + string(digits[:]) + ":" + chatID
}

// inOrder tells a key of SeenKeyInOrder.
func inOrder(key string) bool {
	_, rest, ok := strings.Cut(key, "#")
	if !ok || len(rest) < 21 || rest[20] != ':' {
		return false
	}
	_, err := strconv.ParseUint(rest[:20], 10, 64)
	return err == nil
}

// markSeen marks a message handled; ErrDuplicate when it was before.
func markSeen(tx *bolt.Tx, key string, at time.Time) error {
	seen, k := tx.Bucket(bucketSeen), []byte(key)
	if seen.Get(k) != nil {
		return ErrDuplicate
	}
	if inOrder(key) {
		seen.FillPercent = denseFill
	}
	return seen.Put(k, at.UTC().AppendFormat(make([]byte, 0, len(timeLayout)), timeLayout))
}

// PruneSeen forgets the ids of messages handled before the given time:
// platforms repeat an update within minutes or hours, not weeks, and the
// list would otherwise grow without end. A channel's marks kept in order
// (SeenKeyInOrder) are walked from the oldest only up to the first one
// seen since: those after it came later, so the hourly prune of a
// province's millions of Telegram marks reads only what it removes; and
// from the newest back to the last one seen since, for a numbering
// started anew below the old. A mark handled late (a photo retried) holds
// back those after it for as long as it was late.
func (db *DB) PruneSeen(ctx context.Context, before time.Time) (int, error) {
	cutoff := []byte(timeKey(before))
	var stale [][]byte
	err := db.view(ctx, func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketSeen).Cursor()
		for k, v := c.First(); k != nil; {
			if bytes.Compare(v, cutoff) < 0 {
				stale = append(stale, bytes.Clone(k))
				k, v = c.Next()
				continue
			}
			if inOrder(string(k)) {
				channel, _, _ := strings.Cut(string(k), "#")
				end := []byte(channel + "$") // '$' follows '#': past this channel's ordered marks
				// From the channel's last mark back too: after a week
				// without updates Telegram numbers them from a random
				// start, maybe below the marks of before, which then
				// sort after a recent one.
				first := bytes.Clone(k)
				bk, bv := c.Seek(end)
				if bk == nil {
					bk, bv = c.Last()
				} else {
					bk, bv = c.Prev()
				}
				for ; bk != nil && bytes.Compare(bk, first) > 0 && bytes.Compare(bv, cutoff) < 0; bk, bv = c.Prev() {
					stale = append(stale, bytes.Clone(bk))
				}
				k, v = c.Seek(end)
				continue
			}
			k, v = c.Next()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: prune seen: %w", err)
	}
	for start := 0; start < len(stale); start += 10000 {
		batch := stale[start:min(start+10000, len(stale))]
		err := db.update(ctx, func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketSeen)
			for _, k := range batch {
				if err := b.Delete(k); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return start, fmt.Errorf("store: prune seen: %w", err)
		}
	}
	return len(stale), nil
}
