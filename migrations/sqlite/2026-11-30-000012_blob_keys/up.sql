-- The orphan sweeper asks which object keys a row references.
CREATE INDEX blobs_object_key ON blobs (object_key);
