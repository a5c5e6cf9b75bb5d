-- A response that arrived but could not be written to the WARC archive (a full disk) is
-- recorded with its own outcome, archive_error, and no archive pointer.

COMMENT ON COLUMN fetches.outcome IS 'fetched, not_modified, duplicate, robots_disallowed, blocked_address, blocked_scheme, too_large, bad_content_type, redirect_loop, too_many_redirects, timeout, http_error, network_error, decode_error or archive_error (the response came but could not be archived).';
