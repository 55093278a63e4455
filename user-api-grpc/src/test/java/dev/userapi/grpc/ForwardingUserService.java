package dev.userapi.grpc;

import dev.userapi.core.UserService;

/** A {@link UserService} that forwards every call; tests override the methods they observe. */
class ForwardingUserService extends dev.userapi.core.ForwardingUserService {
  ForwardingUserService(UserService delegate) {
    super(delegate);
  }
}
