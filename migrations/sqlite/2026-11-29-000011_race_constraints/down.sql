DROP INDEX shares_live_collection;
DROP INDEX shares_live_item;
DROP INDEX folders_sibling_name;
