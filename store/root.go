package store

import (
	bolt "go.etcd.io/bbolt"
)

// The file's root, bbolt's tree of the buckets, is written in every commit
// (it holds each bucket's first page, and the small buckets whole). It
// fits in one page: 33 buckets' names and headers take about 2 KB. But a young
// database's small buckets grow inside it (the audit, the forms' indexes,
// the pending reviews, up to 1 KB each before they get pages of their
// own) until it splits into leaves under a branch; they then move out,
// and the leaves stay, as bbolt merges leaves only where keys were
// deleted, and buckets are never deleted. Every commit then wrote three
// pages of root where it could write one: a quarter of an answer's pages
// (docs/BENCHMARKS.md, issue 22). tidyRoot merges them again.

// rootTidyEvery is how many commits go by before merging the root's leaves
// is tried again, when a try left them apart (leaves over a quarter of a
// page are not merged: the small buckets have not moved out yet).
const rootTidyEvery = 100

// tidyRoot merges the root's leaves into one page when it has split, by
// adding and deleting a bucket beside each bucket: bbolt then merges each
// leaf under a quarter full with its neighbour, and a branch left with one
// leaf becomes that leaf. It is called at the end of a commit's writes;
// commits are one at a time, so nextRootTidy needs no lock.
func (db *DB) tidyRoot(tx *bolt.Tx) error {
	if tx.ID() < db.commits.nextRootTidy {
		return nil
	}
	root, err := tx.Page(int(tx.Cursor().Bucket().Root()))
	if err != nil || root == nil || root.Type != "branch" {
		return nil // the root is a leaf (or new in this commit: looked at next time)
	}
	db.commits.nextRootTidy = tx.ID() + rootTidyEvery
	names, ok := besideEach(tx)
	if !ok {
		return nil // a root leaf is damaged: the writes that need it fail, not this commit
	}
	for _, beside := range names { // a name with a NUL after it: no bucket of the store's is named so
		if _, err := tx.CreateBucket(beside); err != nil {
			continue // nothing made: the commit goes on, that leaf unmerged
		}
		if err := tx.DeleteBucket(beside); err != nil {
			return err // cannot happen to a bucket just made; the commit must not keep it
		}
	}
	return nil
}

// besideEach is every bucket's name with a NUL after it; not ok when a
// leaf of the root cannot be read (a damaged file), which the commit's
// writes may not need: they are not failed for the merge. It only reads,
// so a panic stopped here leaves the transaction as it was.
func besideEach(tx *bolt.Tx) (names [][]byte, ok bool) {
	defer func() {
		if recover() != nil {
			names, ok = nil, false
		}
	}()
	c := tx.Cursor()
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		names = append(names, append(append(make([]byte, 0, len(k)+1), k...), 0))
	}
	return names, true
}
