"""GCP backend: Firestore, GCS, Pub/Sub, Cloud Tasks, Firebase Auth, google-genai."""
