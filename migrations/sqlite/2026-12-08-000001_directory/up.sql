-- Directory sign-in (issue 15): the DN of an account that comes from LDAP / Active
-- Directory. Such an account signs in with the directory's password only, and its
-- roles follow its groups at every sign-in; NULL is a local account.
ALTER TABLE users ADD COLUMN directory_dn TEXT;
