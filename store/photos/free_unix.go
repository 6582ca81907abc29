//go:build unix

package photos

import "syscall"

// freeSpace is what the disk of dir has free for an unprivileged writer.
func freeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
