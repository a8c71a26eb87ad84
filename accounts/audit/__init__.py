"""閲覧記録の監査: tamper evidence, search, anomaly cases, change history and retention.

accounts imports no other app; the apps that own audited objects (cards, members, visits)
describe them to this package through `registry`.
"""
