"""The exhibitors app's API views, by who calls them: `catalogue` (anyone), `portal`
(members of an exhibitor, `/exhibitor/...`), `staff` (expo staff) and `visitors`."""
