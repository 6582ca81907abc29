module crossings

go 1.26
