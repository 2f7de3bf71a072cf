/// Each integration's deliveries counted by status, kept up to date by every statement that adds, removes or changes
/// the status of deliveries (`Store.applyCounts`): the integrations list showed counts made with `COUNT(*)` over
/// all of an integration's deliveries on every view, linear in its history.
let deliveryCounts = Migration(
    version: 11,
    name: "delivery counts",
    statements: [
        """
        CREATE TABLE delivery_counts (
            integration_id TEXT NOT NULL, status TEXT NOT NULL, n BIGINT NOT NULL, PRIMARY KEY (integration_id, status))
        """,
        "INSERT INTO delivery_counts (integration_id, status, n) SELECT integration_id, status, COUNT(*) FROM deliveries GROUP BY integration_id, status",
    ]
)
