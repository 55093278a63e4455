package dev.userapi.rest;

import dev.userapi.core.ForwardingUserService;
import dev.userapi.core.UserService;

/** Forwards everything; tests override the one method they want to change. */
class DelegatingUserService extends ForwardingUserService {
  DelegatingUserService(UserService delegate) {
    super(delegate);
  }
}
