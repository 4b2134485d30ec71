"""Models of the training app (courses, sessions, attendance, certificates, question bank, exams, materials)."""
