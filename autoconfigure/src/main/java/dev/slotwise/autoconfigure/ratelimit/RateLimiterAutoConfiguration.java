/*
 * Copyright 2026 the Slotwise authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package dev.slotwise.autoconfigure.ratelimit;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.slotwise.autoconfigure.cluster.FailureDetectionAutoConfiguration;
import dev.slotwise.autoconfigure.key.ClusterKeysAutoConfiguration;
import dev.slotwise.cluster.SlotGuard;
import dev.slotwise.key.ClusterKeys;
import dev.slotwise.ratelimit.RateLimit;
import dev.slotwise.ratelimit.RateLimitScripts;
import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Auto-configuration of the {@link RateLimiter} from {@code slotwise.rate-limit.*}, its
 * scripts (one bean per algorithm, named by the {@link RateLimitScripts} constants, each
 * replaced by an application bean of the same name), its meters, and {@link RateLimited}
 * for Spring MVC handlers (in servlet web applications) and annotated WebFlux handlers
 * (in reactive web applications).
 */
@AutoConfiguration(after = { DataRedisAutoConfiguration.class, ClusterKeysAutoConfiguration.class,
		FailureDetectionAutoConfiguration.class })
@ConditionalOnClass(RedisConnectionFactory.class)
@ConditionalOnBean(RedisConnectionFactory.class)
@ConditionalOnBooleanProperty(name = "slotwise.rate-limit.enabled", matchIfMissing = true)
@EnableConfigurationProperties(SlotwiseRateLimitProperties.class)
public final class RateLimiterAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RateLimiter rateLimiter(RedisConnectionFactory connectionFactory, ClusterKeys keys, SlotGuard guard,
			SlotwiseRateLimitProperties properties, BeanFactory beanFactory) {
		Map<String, RateLimit> limits = new LinkedHashMap<>();
		properties.getLimits().forEach((name, limit) -> limits.put(name, limit(name, limit)));
		String prefix = properties.getKeyPrefix();
		if (prefix == null || prefix.isBlank() || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
			throw new InvalidConfigurationPropertyValueException("slotwise.rate-limit.key-prefix", prefix,
					"The prefix must be non-empty text without braces (the subject is the hash tag).");
		}
		StringRedisTemplate redis = new StringRedisTemplate(connectionFactory);
		return new RateLimiter(redis, keys, limits, properties.getFailureMode(), guard, prefix, Clock.systemUTC(),
				scripts(beanFactory), properties.isCoalesce());
	}

	/**
	 * The script bean of each algorithm: Slotwise's, or the application's bean of the
	 * same name.
	 */
	private static RateLimitScripts scripts(BeanFactory beanFactory) {
		RateLimitScripts scripts = RateLimitScripts.defaults();
		for (RateLimit.Algorithm algorithm : RateLimit.Algorithm.values()) {
			String name = RateLimitScripts.beanName(algorithm);
			scripts = scripts.with(algorithm, beanFactory.getBean(name, RedisScript.class));
		}
		return scripts;
	}

	/**
	 * One script bean per algorithm, each replaced by an application bean of the same
	 * name.
	 */
	@Configuration(proxyBeanMethods = false)
	@SuppressWarnings("rawtypes")
	static class Scripts {

		@Bean(RateLimitScripts.FIXED_WINDOW_BEAN_NAME)
		@ConditionalOnMissingBean(name = RateLimitScripts.FIXED_WINDOW_BEAN_NAME)
		RedisScript<List> slotwiseFixedWindowScript() {
			return RateLimitScripts.defaultScript(RateLimit.Algorithm.FIXED_WINDOW);
		}

		@Bean(RateLimitScripts.SLIDING_WINDOW_BEAN_NAME)
		@ConditionalOnMissingBean(name = RateLimitScripts.SLIDING_WINDOW_BEAN_NAME)
		RedisScript<List> slotwiseSlidingWindowScript() {
			return RateLimitScripts.defaultScript(RateLimit.Algorithm.SLIDING_WINDOW);
		}

		@Bean(RateLimitScripts.TOKEN_BUCKET_BEAN_NAME)
		@ConditionalOnMissingBean(name = RateLimitScripts.TOKEN_BUCKET_BEAN_NAME)
		RedisScript<List> slotwiseTokenBucketScript() {
			return RateLimitScripts.defaultScript(RateLimit.Algorithm.TOKEN_BUCKET);
		}

		@Bean(RateLimitScripts.GCRA_BEAN_NAME)
		@ConditionalOnMissingBean(name = RateLimitScripts.GCRA_BEAN_NAME)
		RedisScript<List> slotwiseGcraScript() {
			return RateLimitScripts.defaultScript(RateLimit.Algorithm.GCRA);
		}

	}

	private static RateLimit limit(String name, SlotwiseRateLimitProperties.Limit limit) {
		String prefix = "slotwise.rate-limit.limits." + name;
		Long permits = limit.getPermits();
		if (permits == null || permits < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".permits", permits,
					"Every limit needs permits of at least 1: a limit of zero would deny every call.");
		}
		if (limit.getWindow() == null || limit.getWindow().toMillis() < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".window", limit.getWindow(),
					"The window must be at least 1ms.");
		}
		long burst = (limit.getBurst() != null) ? limit.getBurst() : permits;
		if (burst < 1) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".burst", burst,
					"A burst must be at least 1 (or unset, to equal permits).");
		}
		return new RateLimit(limit.getAlgorithm(), permits, limit.getWindow(), burst);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterBinder.class)
	static class Metrics {

		@Bean
		MeterBinder slotwiseRateLimiterMetrics(RateLimiter limiter) {
			return (registry) -> {
				for (RateLimiter.Outcome outcome : RateLimiter.Outcome.values()) {
					FunctionCounter.builder("slotwise.ratelimit.decisions", limiter, (l) -> l.decisions().get(outcome))
						.description("Rate-limit decisions; degraded ones were made by the failure mode")
						.tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
						.register(registry);
				}
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass({ HandlerInterceptor.class, WebMvcConfigurer.class })
	static class WebMvc {

		@Bean
		@ConditionalOnMissingBean
		RateLimitedInterceptor rateLimitedInterceptor(RateLimiter limiter, SlotwiseRateLimitProperties properties) {
			return new RateLimitedInterceptor(limiter, properties.getHeaders());
		}

		@Bean
		WebMvcConfigurer slotwiseRateLimitedConfigurer(RateLimitedInterceptor interceptor) {
			return new WebMvcConfigurer() {

				@Override
				public void addInterceptors(InterceptorRegistry registry) {
					registry.addInterceptor(interceptor);
				}

			};
		}

		/** Unknown limit names and malformed subjects fail the start, not a request. */
		@Bean
		static SmartInitializingSingleton slotwiseRateLimitedCheck(ApplicationContext context) {
			return () -> {
				RateLimiter limiter = context.getBean(RateLimiter.class);
				List<String> problems = new ArrayList<>();
				context.getBeansOfType(RequestMappingHandlerMapping.class)
					.values()
					.forEach((mapping) -> problems
						.addAll(RateLimitedMethods.problems(limiter, mapping.getHandlerMethods().values())));
				RateLimitedMethods.failOn(problems);
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass({ WebFilter.class,
			org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping.class })
	static class WebFlux {

		@Bean
		@ConditionalOnMissingBean
		RateLimitedWebFilter rateLimitedWebFilter(RateLimiter limiter, SlotwiseRateLimitProperties properties,
				ObjectProvider<org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping> mappings) {
			return new RateLimitedWebFilter(limiter, properties.getHeaders(), mappings.orderedStream().toList());
		}

		/** Unknown limit names and malformed subjects fail the start, not a request. */
		@Bean
		static SmartInitializingSingleton slotwiseReactiveRateLimitedCheck(ApplicationContext context) {
			return () -> {
				RateLimiter limiter = context.getBean(RateLimiter.class);
				List<String> problems = new ArrayList<>();
				context.getBeansOfType(
						org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping.class)
					.values()
					.forEach((mapping) -> problems
						.addAll(RateLimitedMethods.problems(limiter, mapping.getHandlerMethods().values())));
				RateLimitedMethods.failOn(problems);
			};
		}

	}

}
