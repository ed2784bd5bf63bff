package request

import "slices"

// Resolved reports whether the holder has changed what item names, so that it no longer
// blocks a new share. fields are the document's current field values and files its current
// attachments' SHA-256 values by role ("front_side", "file/2", ...).
//
//   - data: the field's current value no longer has DataHash (changed or removed);
//   - front_side, reverse_side, selfie, file, translation_file: no current file of that role
//     has FileHash;
//   - files, translation_files: the current files of that role are no longer exactly the
//     ones in FileHashes (one added, removed or replaced);
//   - unspecified: never by content; the caller decides (for example once the document was
//     edited after the feedback arrived).
func (it *FeedbackItem) Resolved(fields map[string]string, files map[string]string) bool {
	if it.Source == SourceData {
		v, ok := fields[it.Field]
		return !ok || FieldHash(v) != it.DataHash
	}
	src, ok := sourceRole[it.Source]
	if !ok {
		return false
	}
	var current []string
	for role, hash := range files {
		if scanBase(role) == src.role {
			current = append(current, hash)
		}
	}
	if !src.list {
		return !slices.Contains(current, it.FileHash)
	}
	return !sameSet(current, it.FileHashes)
}
