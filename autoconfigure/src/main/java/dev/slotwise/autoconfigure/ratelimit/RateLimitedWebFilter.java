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

import java.net.InetSocketAddress;
import java.security.Principal;
import java.util.List;
import java.util.Optional;

import dev.slotwise.ratelimit.RateLimitDecision;
import dev.slotwise.ratelimit.RateLimited;
import dev.slotwise.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.core.Ordered;
import org.springframework.expression.EvaluationContext;
import org.springframework.expression.PropertyAccessor;
import org.springframework.expression.TypedValue;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Applies {@link RateLimited} to annotated WebFlux handler methods, with what Spring
 * MVC's {@link RateLimitedInterceptor} answers: the rate-limit fields
 * {@link RateLimitHeaders} chooses on every limited response, {@code 429} with
 * {@code Retry-After} and an RFC 9457 problem detail when denied, {@code 400} with a
 * problem detail naming the expression when the subject resolves to nothing.
 *
 * <p>
 * WebFlux has no handler interceptors, so the filter asks the
 * {@link RequestMappingHandlerMapping} which handler method a request goes to (the
 * dispatcher asks again; the lookup is the same in-memory match). The decision is
 * {@link RateLimiter#tryAcquireAsync}: nothing waits on the event loop, and the chain
 * goes on on Reactor's parallel scheduler, never on Lettuce's I/O thread that completed
 * the decision.
 *
 * <p>
 * The subject expression sees {@code #request} (the {@code ServerHttpRequest}, whose
 * {@code remoteAddr} is its client's address, so the annotation's default works here
 * too), {@code #exchange}, {@code #principal} (the exchange's principal, or null) and
 * {@code #pathVariables}.
 */
public class RateLimitedWebFilter implements WebFilter, Ordered {

	/**
	 * The filter's order: after Spring Security's reactive filter chain ({@code -100}),
	 * so that {@code #principal} is the signed-in user.
	 */
	public static final int ORDER = 0;

	private static final PropertyAccessor REMOTE_ADDR = new RemoteAddrAccessor();

	private final RateLimiter limiter;

	private final RateLimitHeaders headers;

	private final List<RequestMappingHandlerMapping> mappings;

	private final RateLimitedMethods methods = new RateLimitedMethods();

	/**
	 * Create the filter.
	 * @param limiter the limiter
	 * @param headers which rate-limit header fields to send
	 * @param mappings the handler mappings of annotated controllers
	 */
	public RateLimitedWebFilter(RateLimiter limiter, RateLimitHeaders headers,
			List<RequestMappingHandlerMapping> mappings) {
		this.limiter = limiter;
		this.headers = headers;
		this.mappings = List.copyOf(mappings);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return limited(exchange).flatMap((limited) -> decide(exchange, limited))
			.defaultIfEmpty(true)
			.flatMap((proceed) -> proceed ? chain.filter(exchange) : Mono.empty());
	}

	/** The annotation of the handler method the request goes to, if any. */
	private Mono<RateLimited> limited(ServerWebExchange exchange) {
		Mono<Object> handler = Mono.empty();
		for (RequestMappingHandlerMapping mapping : this.mappings) {
			handler = handler.switchIfEmpty(Mono.defer(() -> mapping.getHandler(exchange)));
		}
		// No match (404, 405...) is the dispatcher's to answer.
		return handler.onErrorResume((ex) -> Mono.empty()).mapNotNull(RateLimitedMethods::annotation);
	}

	/** Whether the request goes on; when not, its answer is written. */
	private Mono<Boolean> decide(ServerWebExchange exchange, RateLimited limited) {
		return exchange.getPrincipal().map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap((principal) -> {
			String subject = this.methods.subject(limited.subject(), context(exchange, principal.orElse(null)));
			ServerHttpRequest request = exchange.getRequest();
			if (subject == null) {
				return problem(exchange.getResponse(),
						RateLimitProblem.subjectMissing(limited, request.getPath().value()));
			}
			return Mono.fromFuture(this.limiter.tryAcquireAsync(subject, limited.value()))
				.publishOn(Schedulers.parallel())
				.flatMap((decision) -> answer(exchange, limited, decision));
		});
	}

	private Mono<Boolean> answer(ServerWebExchange exchange, RateLimited limited, RateLimitDecision decision) {
		ServerHttpResponse response = exchange.getResponse();
		HttpHeaders responseHeaders = response.getHeaders();
		this.headers.write(limited.value(), this.limiter.limits().get(limited.value()), decision, responseHeaders::set);
		if (decision.allowed()) {
			return Mono.just(true);
		}
		responseHeaders.set(HttpHeaders.RETRY_AFTER, Long.toString(RateLimitHeaders.retryAfterSeconds(decision)));
		return problem(response, RateLimitProblem.exceeded(limited, decision, exchange.getRequest().getPath().value()));
	}

	private static Mono<Boolean> problem(ServerHttpResponse response, ProblemDetail problem) {
		byte[] body = RateLimitProblem.json(problem);
		response.setStatusCode(HttpStatusCode.valueOf(problem.getStatus()));
		response.getHeaders().setContentType(RateLimitProblem.MEDIA_TYPE);
		response.getHeaders().setContentLength(body.length);
		return response.writeWith(Mono.just(response.bufferFactory().wrap(body))).thenReturn(false);
	}

	private static EvaluationContext context(ServerWebExchange exchange, @Nullable Principal principal) {
		StandardEvaluationContext context = new StandardEvaluationContext();
		context.addPropertyAccessor(REMOTE_ADDR);
		context.setVariable("request", exchange.getRequest());
		context.setVariable("exchange", exchange);
		context.setVariable("principal", principal);
		context.setVariable("pathVariables", exchange.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE));
		return context;
	}

	/**
	 * {@code remoteAddr} on a {@code ServerHttpRequest}: its client's IP address, as
	 * {@code HttpServletRequest.getRemoteAddr()} gives it, so that one subject expression
	 * reads the same on both stacks.
	 */
	private static final class RemoteAddrAccessor implements PropertyAccessor {

		@Override
		public Class<?>[] getSpecificTargetClasses() {
			return new Class<?>[] { ServerHttpRequest.class };
		}

		@Override
		public boolean canRead(EvaluationContext context, @Nullable Object target, String name) {
			return target instanceof ServerHttpRequest && "remoteAddr".equals(name);
		}

		@Override
		public TypedValue read(EvaluationContext context, @Nullable Object target, String name) {
			InetSocketAddress address = ((ServerHttpRequest) target).getRemoteAddress();
			if (address == null) {
				return TypedValue.NULL;
			}
			return new TypedValue(
					(address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString());
		}

		@Override
		public boolean canWrite(EvaluationContext context, @Nullable Object target, String name) {
			return false;
		}

		@Override
		public void write(EvaluationContext context, @Nullable Object target, String name, @Nullable Object newValue) {
			throw new UnsupportedOperationException("remoteAddr is read-only");
		}

	}

}
