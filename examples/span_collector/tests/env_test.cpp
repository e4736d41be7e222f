// Configuration from the environment, per the OpenTelemetry configuration rules: every
// invalid value gets a warning naming the variable, and the default is used.
#include <functional>

#include "helpers.hpp"

using namespace test;

namespace {
// Every variable read here, unset for the scope of a test so the machine's own
// environment cannot leak in.
struct CleanEnv {
  std::vector<std::unique_ptr<ScopedEnv>> vars;
  CleanEnv() {
    for (const char* name :
         {"OTEL_BSP_MAX_QUEUE_SIZE", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "OTEL_BSP_SCHEDULE_DELAY",
          "OTEL_BSP_EXPORT_TIMEOUT", "OTEL_SDK_DISABLED", "OTEL_EXPORTER_OTLP_ENDPOINT",
          "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS",
          "OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_COMPRESSION",
          "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
          "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES"})
      vars.push_back(std::make_unique<ScopedEnv>(name, std::nullopt));
  }
};
}  // namespace

TEST_CASE("defaults with no variable set, and valid values read", "[env]") {
  CleanEnv clean;
  CapturedErrors errors;
  {
    const CollectorConfig d = CollectorConfig::from_env();
    CHECK(d.max_queue_size == 2048);
    CHECK(d.max_export_batch_size == 512);
    CHECK(d.schedule_delay == 5000ms);
    CHECK(d.export_timeout == 30000ms);
    CHECK_FALSE(d.disabled);
    const HttpConfig h = HttpConfig::from_env();
    CHECK(h.endpoint == "http://localhost:4318/v1/traces");
    CHECK(h.headers.empty());
    CHECK(h.timeout == 10000ms);
    CHECK(h.compression == Compression::none);
    CHECK(Resource::from_env().service_name == "unknown_service");
    CHECK(Resource::from_env("my-app").service_name == "my-app");
  }
  ScopedEnv q("OTEL_BSP_MAX_QUEUE_SIZE", "4096");
  ScopedEnv b("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", " 128 ");  // surrounding blanks are allowed
  ScopedEnv s("OTEL_BSP_SCHEDULE_DELAY", "250");
  ScopedEnv t("OTEL_BSP_EXPORT_TIMEOUT", "1000");
  ScopedEnv e("OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example:4318/");
  ScopedEnv ht("OTEL_EXPORTER_OTLP_TIMEOUT", "2500");
  ScopedEnv hc("OTEL_EXPORTER_OTLP_COMPRESSION", "GZIP");
  ScopedEnv hp("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json");
  ScopedEnv d("OTEL_SDK_DISABLED", "false");
  const CollectorConfig c = CollectorConfig::from_env();
  CHECK(c.max_queue_size == 4096);
  CHECK(c.max_export_batch_size == 128);
  CHECK(c.schedule_delay == 250ms);
  CHECK(c.export_timeout == 1000ms);
  CHECK_FALSE(c.disabled);
  const HttpConfig h = HttpConfig::from_env();
  CHECK(h.endpoint == "https://collector.example:4318/v1/traces");
  CHECK(h.timeout == 2500ms);
  CHECK(h.compression == Compression::gzip);
  INFO(errors.text());
  CHECK(errors.events().empty());
}

TEST_CASE("every invalid value: a warning naming the variable, and the default", "[env]") {
  struct Case {
    const char* var;
    const char* value;
    std::vector<std::string> says;                // fragments of the warning
    std::function<bool()> default_used;
  };
  const CollectorConfig d;
  const auto bsp = [](auto field) { return [field] { return field(CollectorConfig::from_env()); }; };
  const auto http = [](auto field) { return [field] { return field(HttpConfig::from_env()); }; };
  const std::vector<Case> cases = {
      {"OTEL_BSP_MAX_QUEUE_SIZE", "abc", {"'abc'", "using the default 2048"}, bsp([&](const CollectorConfig& c) { return c.max_queue_size == d.max_queue_size; })},
      {"OTEL_BSP_MAX_QUEUE_SIZE", "-1", {"'-1'", "using the default 2048"}, bsp([&](const CollectorConfig& c) { return c.max_queue_size == d.max_queue_size; })},
      {"OTEL_BSP_MAX_QUEUE_SIZE", "0", {"'0'", "[1, 16777216]"}, bsp([&](const CollectorConfig& c) { return c.max_queue_size == d.max_queue_size; })},
      {"OTEL_BSP_MAX_QUEUE_SIZE", "99999999999", {"'99999999999'"}, bsp([&](const CollectorConfig& c) { return c.max_queue_size == d.max_queue_size; })},
      {"OTEL_BSP_MAX_QUEUE_SIZE", "12x", {"'12x'"}, bsp([&](const CollectorConfig& c) { return c.max_queue_size == d.max_queue_size; })},
      {"OTEL_BSP_MAX_QUEUE_SIZE", "1.5", {"'1.5'"}, bsp([&](const CollectorConfig& c) { return c.max_queue_size == d.max_queue_size; })},
      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "-1", {"'-1'", "using the default 512"}, bsp([&](const CollectorConfig& c) { return c.max_export_batch_size == d.max_export_batch_size; })},
      {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "lots", {"'lots'"}, bsp([&](const CollectorConfig& c) { return c.max_export_batch_size == d.max_export_batch_size; })},
      {"OTEL_BSP_SCHEDULE_DELAY", "soon", {"'soon'", "using the default 5000"}, bsp([&](const CollectorConfig& c) { return c.schedule_delay == d.schedule_delay; })},
      {"OTEL_BSP_SCHEDULE_DELAY", "0", {"'0'", "using the default 5000"}, bsp([&](const CollectorConfig& c) { return c.schedule_delay == d.schedule_delay; })},
      {"OTEL_BSP_SCHEDULE_DELAY", "2147483648", {"'2147483648'"}, bsp([&](const CollectorConfig& c) { return c.schedule_delay == d.schedule_delay; })},
      {"OTEL_BSP_EXPORT_TIMEOUT", "-30000", {"'-30000'", "using the default 30000"}, bsp([&](const CollectorConfig& c) { return c.export_timeout == d.export_timeout; })},
      {"OTEL_BSP_EXPORT_TIMEOUT", "30s", {"'30s'"}, bsp([&](const CollectorConfig& c) { return c.export_timeout == d.export_timeout; })},
      {"OTEL_SDK_DISABLED", "yes", {"'yes'", "using false"}, bsp([](const CollectorConfig& c) { return !c.disabled; })},
      {"OTEL_SDK_DISABLED", "1", {"'1'", "using false"}, bsp([](const CollectorConfig& c) { return !c.disabled; })},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "abc", {"'abc'", "ignored"}, http([](const HttpConfig& h) { return h.timeout == 10000ms; })},
      {"OTEL_EXPORTER_OTLP_TIMEOUT", "0", {"'0'", "ignored"}, http([](const HttpConfig& h) { return h.timeout == 10000ms; })},
      {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "-5", {"'-5'", "ignored"}, http([](const HttpConfig& h) { return h.timeout == 10000ms; })},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318", {"'localhost:4318'", "http:// or https://"}, http([](const HttpConfig& h) { return h.endpoint == "http://localhost:4318/v1/traces"; })},
      {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://host:99999", {"port"}, http([](const HttpConfig& h) { return h.endpoint == "http://localhost:4318/v1/traces"; })},
      {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://x/v1/traces", {"'ftp://x/v1/traces'"}, http([](const HttpConfig& h) { return h.endpoint == "http://localhost:4318/v1/traces"; })},
      {"OTEL_EXPORTER_OTLP_COMPRESSION", "brotli", {"'brotli'", "gzip or none"}, http([](const HttpConfig& h) { return h.compression == Compression::none; })},
      {"OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "zip", {"'zip'"}, http([](const HttpConfig& h) { return h.compression == Compression::none; })},
      {"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", {"'grpc'", "http/json only"}, http([](const HttpConfig&) { return true; })},
      {"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf", {"'http/protobuf'"}, http([](const HttpConfig&) { return true; })},
      {"OTEL_EXPORTER_OTLP_HEADERS", "novalue", {"entry 1", "not key=value"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_EXPORTER_OTLP_HEADERS", "k=%zz", {"entry 1", "two hex digits"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_EXPORTER_OTLP_HEADERS", "=v", {"entry 1", "empty"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_EXPORTER_OTLP_HEADERS", "bad name=v", {"entry 1", "'bad name' is not an HTTP token"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_EXPORTER_OTLP_HEADERS", "content-type=text/plain", {"entry 1", "set by the exporter"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "a=b%0D%0AX-Injected: 1", {"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "control character 0x0D", "after percent-decoding"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_EXPORTER_OTLP_HEADERS", "a%0A=b", {"entry 1", "not an HTTP token"}, http([](const HttpConfig& h) { return h.headers.empty(); })},
      {"OTEL_RESOURCE_ATTRIBUTES", "a=1,broken", {"OTEL_RESOURCE_ATTRIBUTES ignored as a whole", "entry 2"}, [] { const Resource r = Resource::from_env("x"); return r.attributes.empty() && r.service_name == "x"; }},
      {"OTEL_RESOURCE_ATTRIBUTES", "service.name=a%2", {"OTEL_RESOURCE_ATTRIBUTES", "two hex digits"}, [] { return Resource::from_env("x").service_name == "x"; }},
      {"OTEL_RESOURCE_ATTRIBUTES", "=v", {"OTEL_RESOURCE_ATTRIBUTES", "empty key"}, [] { return Resource::from_env("x").attributes.empty(); }},
      {"OTEL_RESOURCE_ATTRIBUTES", "k=%FF", {"OTEL_RESOURCE_ATTRIBUTES", "UTF-8"}, [] { return Resource::from_env("x").attributes.empty(); }},
  };
  for (const Case& c : cases) {
    CleanEnv clean;
    CapturedErrors errors;
    ScopedEnv var(c.var, std::string(c.value));
    INFO(std::string(c.var) + "='" + c.value + "'");
    CHECK(c.default_used());
    INFO(errors.text());
    CHECK(errors.count(ErrorKind::config) == 1);
    const auto events = errors.events();
    REQUIRE_FALSE(events.empty());
    const std::string& said = events.front().message;
    const std::string var_name = c.var;
    CHECK(said.find(var_name) != std::string::npos);
    for (const auto& fragment : c.says) {
      INFO(fragment);
      CHECK(said.find(fragment) != std::string::npos);
    }
  }
}

TEST_CASE("a batch size above the queue size is clamped to it, with a warning", "[env]") {
  CleanEnv clean;
  CapturedErrors errors;
  ScopedEnv q("OTEL_BSP_MAX_QUEUE_SIZE", "100");
  ScopedEnv b("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "200");
  const CollectorConfig c = CollectorConfig::from_env();
  CHECK(c.max_queue_size == 100);
  CHECK(c.max_export_batch_size == 100);
  CHECK(errors.has(ErrorKind::config, {"OTEL_BSP_MAX_EXPORT_BATCH_SIZE=200", "exceeds the queue size 100", "using 100"}));
  REQUIRE_NOTHROW(c.validate());
}

TEST_CASE("OTEL_SDK_DISABLED: only a case-insensitive true disables", "[env]") {
  CleanEnv clean;
  for (const char* yes : {"true", "TRUE", "True"}) {
    ScopedEnv d("OTEL_SDK_DISABLED", std::string(yes));
    CHECK(CollectorConfig::from_env().disabled);
  }
  CapturedErrors errors;
  {
    ScopedEnv d("OTEL_SDK_DISABLED", "False");
    CHECK_FALSE(CollectorConfig::from_env().disabled);
  }
  {
    ScopedEnv d("OTEL_SDK_DISABLED", "");  // empty is unset
    CHECK_FALSE(CollectorConfig::from_env().disabled);
  }
  CHECK(errors.events().empty());
}

TEST_CASE("the OTEL_EXPORTER_OTLP_TRACES_* variables replace the general ones", "[env]") {
  CleanEnv clean;
  CapturedErrors errors;
  ScopedEnv e("OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4318");
  ScopedEnv te("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://traces:4318/custom/path");
  ScopedEnv h("OTEL_EXPORTER_OTLP_HEADERS", "general=1,shared=g");
  ScopedEnv th("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "shared=t,api-key=se%3Dcr%20et");
  ScopedEnv t("OTEL_EXPORTER_OTLP_TIMEOUT", "2000");
  ScopedEnv tt("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "3000");
  ScopedEnv c("OTEL_EXPORTER_OTLP_COMPRESSION", "none");
  ScopedEnv tc("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip");
  const HttpConfig cfg = HttpConfig::from_env();
  CHECK(cfg.endpoint == "http://traces:4318/custom/path");  // used as is
  CHECK(cfg.headers == std::map<std::string, std::string>{{"shared", "t"}, {"api-key", "se=cr et"}});
  CHECK(cfg.timeout == 3000ms);
  CHECK(cfg.compression == Compression::gzip);
  CHECK(errors.events().empty());
  {  // an invalid signal value is treated as unset: the general one applies
    ScopedEnv bad("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "never");
    ScopedEnv bad_url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "traces:4318");
    const HttpConfig fallback = HttpConfig::from_env();
    CHECK(fallback.timeout == 2000ms);
    CHECK(fallback.endpoint == "http://general:4318/v1/traces");
    CHECK(errors.has(ErrorKind::config, {"OTEL_EXPORTER_OTLP_TRACES_TIMEOUT='never'"}));
    CHECK(errors.has(ErrorKind::config, {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT='traces:4318'"}));
  }
}

TEST_CASE("header warnings skip the bad entry only, and never print a value", "[env][headers]") {
  CleanEnv clean;
  CapturedErrors errors;
  ScopedEnv h("OTEL_EXPORTER_OTLP_HEADERS", "good=yes, a=top-secret%0D%0AX-Injected: 1 ,other=fine,,novalue");
  const HttpConfig cfg = HttpConfig::from_env();
  CHECK(cfg.headers == std::map<std::string, std::string>{{"good", "yes"}, {"other", "fine"}});
  INFO(errors.text());
  CHECK(errors.count(ErrorKind::config) == 2);
  CHECK(errors.has(ErrorKind::config, {"OTEL_EXPORTER_OTLP_HEADERS", "entry 2", "header 'a'", "0x0D"}));
  CHECK(errors.has(ErrorKind::config, {"OTEL_EXPORTER_OTLP_HEADERS", "entry 5", "not key=value"}));
  CHECK(errors.text().find("top-secret") == std::string::npos);
}

TEST_CASE("OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (percent-decoded)", "[env][resource]") {
  CleanEnv clean;
  CapturedErrors errors;
  ScopedEnv a("OTEL_RESOURCE_ATTRIBUTES",
              "service.name=from%20attrs, deployment.environment=prod%2Ceu ,k%3Dx=v%3D1,team=%F0%9F%9A%80");
  Resource r = Resource::from_env("fallback");
  CHECK(r.service_name == "from attrs");
  REQUIRE(r.attributes.size() == 3);
  CHECK(r.attributes[0].key == "deployment.environment");
  CHECK(std::get<std::string>(r.attributes[0].value) == "prod,eu");
  CHECK(r.attributes[1].key == "k=x");
  CHECK(std::get<std::string>(r.attributes[1].value) == "v=1");
  CHECK(std::get<std::string>(r.attributes[2].value) == "\xF0\x9F\x9A\x80");
  {
    ScopedEnv s("OTEL_SERVICE_NAME", "checkout");  // wins for service.name
    r = Resource::from_env("fallback");
    CHECK(r.service_name == "checkout");
    CHECK(r.attributes.size() == 3);
  }
  CHECK(errors.events().empty());
}
