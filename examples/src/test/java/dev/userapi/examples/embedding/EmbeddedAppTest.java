package dev.userapi.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.userapi.core.NewUser;
import dev.userapi.core.User;
import dev.userapi.grpc.GrpcUserClient;
import dev.userapi.rest.RestUserClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EmbeddedAppTest {

  @Test
  void theEmbeddedRestResourceAndGrpcServiceShareOneUserService() throws Exception {
    try (EmbeddedApp app = EmbeddedApp.start(0, 0);
        RestUserClient rest = RestUserClient.connect(app.restUri());
        GrpcUserClient grpc = GrpcUserClient.connect(app.grpcTarget())) {
      User ada = rest.create(NewUser.of("Ada", "ada@embedded.example.com", 36));
      User grace = grpc.create(NewUser.of("Grace", "grace@embedded.example.com", 85));

      assertThat(grpc.get(ada.id())).isEqualTo(ada);
      assertThat(rest.get(grace.id())).isEqualTo(grace);
    }
  }

  @Test
  void theApplicationsOwnResourceIsServedBesideTheUserApi() throws Exception {
    try (EmbeddedApp app = EmbeddedApp.start(0, 0)) {
      HttpResponse<String> info =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(app.restUri().resolve("app/info")).build(),
                  HttpResponse.BodyHandlers.ofString());

      assertThat(info.statusCode()).isEqualTo(200);
      assertThat(info.headers().firstValue("Content-Type")).hasValue("text/plain");
      assertThat(info.body()).isEqualTo("embedded app with userapi inside");
    }
  }
}
