package com.example.consumer;

import dev.userapi.core.UserService;
import dev.userapi.testkit.UserServiceContract;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The published contract, run by an outside project against its own wiring. */
class DirectoryContractTest extends UserServiceContract {
  private Directory directory;

  @Override
  protected UserService newService() {
    try {
      directory = new Directory();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return directory.users();
  }

  @Override
  protected void closeService(UserService service) {
    directory.close();
  }
}
