// Package report turns what is stored into what officials read: stats and
// the weekly digest with its chart, the villages behind, exports (CSV,
// JSON, XLSX) and the import of the household register.
package report
