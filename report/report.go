// Package report turns what is stored into what officials read: stats and
// the weekly digest with its chart, the villages behind, and the import of
// the household register.
package report
