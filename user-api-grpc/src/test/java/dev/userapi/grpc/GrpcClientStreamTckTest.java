package dev.userapi.grpc;

import dev.userapi.core.DefaultUserService;
import dev.userapi.core.User;
import dev.userapi.core.UserFilter;
import dev.userapi.testkit.GeneratedUsers;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;

/**
 * Reactive Streams TCK (run by the TestNG engine) for {@link GrpcUserClient#stream}'s publisher
 * ({@code internal.ClientStreamPublisher}), each over its own in-process server streaming {@code
 * elements} generated users through the real {@link UserGrpcService}.
 */
public class GrpcClientStreamTckTest extends FlowPublisherVerification<User> {
  private final List<GrpcFixture> fixtures = new CopyOnWriteArrayList<>();

  public GrpcClientStreamTckTest() {
    super(new TestEnvironment(2_000, 200), 2_000);
  }

  @AfterClass
  public void closeFixtures() {
    fixtures.forEach(GrpcFixture::close);
  }

  @Override
  public Flow.Publisher<User> createFlowPublisher(long elements) {
    return fixture(new GeneratedUsers(elements)).client.stream(UserFilter.all());
  }

  @Override
  public Flow.Publisher<User> createFailedFlowPublisher() {
    // The server refuses the filter (minAge above maxAge): INVALID_ARGUMENT, with no demand needed.
    return fixture(DefaultUserService.inMemory()).client.stream(
        UserFilter.builder().minAge(50).maxAge(10).build());
  }

  private GrpcFixture fixture(dev.userapi.core.UserService users) {
    GrpcFixture fixture = GrpcFixture.inProcess(users);
    fixtures.add(fixture);
    return fixture;
  }
}
