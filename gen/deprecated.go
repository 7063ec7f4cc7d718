package gen

// Names of search filter types that existed before the filters shared the enum types of
// the event fields they filter (see api/overlay.yaml). They stay so that code written
// against earlier versions keeps compiling.
type (
	// SearchEventsParamsSDKPlatform is the type of the sdk_platform search filter.
	//
	// Deprecated: use SDKPlatform.
	SearchEventsParamsSDKPlatform = SDKPlatform
	// SearchEventsParamsIncrementalIdentificationStatus is the type of the
	// incremental_identification_status search filter.
	//
	// Deprecated: use IncrementalIdentificationStatus.
	SearchEventsParamsIncrementalIdentificationStatus = IncrementalIdentificationStatus
	// SearchEventsParamsSource is the type of the source search filter.
	//
	// Deprecated: use EventSource.
	SearchEventsParamsSource = EventSource
)

// Former values of the search filter types above.
const (
	// Deprecated: use SDKPlatformAndroid.
	SearchEventsParamsSDKPlatformAndroid = SDKPlatformAndroid
	// Deprecated: use SDKPlatformIOS.
	SearchEventsParamsSDKPlatformIOS = SDKPlatformIOS
	// Deprecated: use SDKPlatformJS.
	SearchEventsParamsSDKPlatformJS = SDKPlatformJS
	// Deprecated: use IncrementalIdentificationStatusCompleted.
	SearchEventsParamsIncrementalIdentificationStatusCompleted = IncrementalIdentificationStatusCompleted
	// Deprecated: use IncrementalIdentificationStatusPartiallyCompleted.
	SearchEventsParamsIncrementalIdentificationStatusPartiallyCompleted = IncrementalIdentificationStatusPartiallyCompleted
	// Deprecated: use EventSourceEdge.
	SearchEventsParamsSourceEdge = EventSourceEdge
)
