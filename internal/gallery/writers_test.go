package gallery_test

import (
	"reflect"
	"testing"

	"github.com/tryout/tryout/internal/entries"
	"github.com/tryout/tryout/internal/gallery"
)

// TestSyncedStoreCoversEveryWriter: every method of the Mongo entry store
// is a reader or a writer; every writer is one SyncedStore implements
// itself (it embeds only entries.Reader, so a writer cannot be promoted
// past the read model). A writer added to the Mongo store and not to
// entries.Writer, or SyncedStore embedding the Mongo store again, fails
// here; one added to entries.Writer and not to SyncedStore fails to compile.
func TestSyncedStoreCoversEveryWriter(t *testing.T) {
	reader := reflect.TypeOf((*entries.Reader)(nil)).Elem()
	writer := reflect.TypeOf((*entries.Writer)(nil)).Elem()
	mongo := reflect.TypeOf(&entries.MongoStore{})
	for i := range mongo.NumMethod() {
		name := mongo.Method(i).Name
		_, r := reader.MethodByName(name)
		_, w := writer.MethodByName(name)
		switch {
		case r && w:
			t.Errorf("%s is both a reader and a writer", name)
		case !r && !w:
			t.Errorf("entries.MongoStore.%s is neither in entries.Reader nor in entries.Writer: if it changes an entry, add it to Writer and implement it on gallery.SyncedStore (say whether the card changes)", name)
		}
	}
	st := reflect.TypeOf(gallery.SyncedStore{})
	for i := range st.NumField() {
		if f := st.Field(i); f.Anonymous && f.Type != reader {
			t.Errorf("SyncedStore embeds %s: only entries.Reader may be embedded, or writers skip the read model", f.Type)
		}
	}
	synced := reflect.TypeOf(&gallery.SyncedStore{})
	for i := range writer.NumMethod() {
		if _, ok := synced.MethodByName(writer.Method(i).Name); !ok {
			t.Errorf("SyncedStore has no %s", writer.Method(i).Name)
		}
	}
}
