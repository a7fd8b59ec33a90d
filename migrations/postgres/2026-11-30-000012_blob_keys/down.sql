DROP INDEX blobs_object_key;
