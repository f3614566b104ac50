package lrmx

// SetPhotoBudget sets how many bytes of photos an import keeps, and returns
// the function that puts it back.
func SetPhotoBudget(n int) (restore func()) {
	old := photoBudget
	photoBudget = n
	return func() { photoBudget = old }
}
