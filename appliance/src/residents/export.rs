//! stub until its author commits
