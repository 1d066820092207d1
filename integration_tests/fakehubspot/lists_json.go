package fakehubspot

import "strconv"

// listJSON is a list on the wire: PublicObjectListSearchResult in search answers (with
// additionalProperties) and PublicObjectList in GET answers (with permissions, settings and,
// asked for, the filter branch), per HubSpot's 2026-03 Lists OpenAPI. createdById and
// updatedById are left out: the fake has no users.
type listJSON struct {
	ListID               string              `json:"listId"`
	ListVersion          int                 `json:"listVersion"`
	Name                 string              `json:"name"`
	ObjectTypeID         string              `json:"objectTypeId"`
	ProcessingStatus     string              `json:"processingStatus"`
	ProcessingType       string              `json:"processingType"`
	CreatedAt            string              `json:"createdAt"`
	UpdatedAt            string              `json:"updatedAt"`
	FiltersUpdatedAt     string              `json:"filtersUpdatedAt"`
	DeletedAt            string              `json:"deletedAt,omitempty"`
	AdditionalProperties map[string]string   `json:"additionalProperties,omitempty"`
	ListPermissions      *listPermissions    `json:"listPermissions,omitempty"`
	MembershipSettings   *membershipSettings `json:"membershipSettings,omitempty"`
	FilterBranch         *listBranchJSON     `json:"filterBranch,omitempty"`
}

type listPermissions struct {
	Teams []string `json:"teamsWithEditAccess"`
	Users []string `json:"usersWithEditAccess"`
}

type membershipSettings struct {
	MembershipTeamID  *string `json:"membershipTeamId"`
	IncludeUnassigned *bool   `json:"includeUnassigned"`
}

func (l *contactList) json() listJSON {
	j := listJSON{ListID: strconv.FormatInt(l.id, 10), ListVersion: l.version, Name: l.name, ObjectTypeID: l.objType,
		ProcessingStatus: "COMPLETE", ProcessingType: l.ptype, CreatedAt: formatMS(l.created),
		UpdatedAt: formatMS(l.updated), FiltersUpdatedAt: formatMS(l.filtersUpdated)}
	if l.processing {
		j.ProcessingStatus = "PROCESSING" // guessed: the value while a re-evaluation is under way
	}
	if l.deleted != 0 {
		j.DeletedAt = formatMS(l.deleted)
	}
	return j
}

// additional returns the list's additionalProperties: HubSpot's default set (hs_list_size,
// hs_last_record_added_at, hs_last_record_removed_at, hs_folder_name, hs_list_reference_count)
// plus the names asked for, as strings (times in epoch ms, as in HubSpot's example answer);
// names without a value for this list (a stamp never set, the folder of a list in the root
// folder, names the fake does not know) are left out, as documented.
func (l *contactList) additional(asked []string) map[string]string {
	out := map[string]string{}
	names := append([]string{"hs_list_size", "hs_last_record_added_at", "hs_last_record_removed_at",
		"hs_folder_name", "hs_list_reference_count"}, asked...)
	for _, n := range names {
		switch n {
		case "hs_list_size":
			out[n] = strconv.Itoa(l.size)
		case "hs_last_record_added_at":
			if l.lastAdded != 0 {
				out[n] = strconv.FormatInt(l.lastAdded, 10)
			}
		case "hs_last_record_removed_at":
			if l.lastRemoved != 0 {
				out[n] = strconv.FormatInt(l.lastRemoved, 10)
			}
		case "hs_list_reference_count":
			out[n] = listReferenceCountVal
		}
	}
	return out
}

// listBranchJSON is a filter branch as HubSpot's OpenAPI describes it: the root an OR branch holding
// AND branches of filters. The fake renders its one AND group of property conditions this way;
// the operation shapes (MULTISTRING with values, ALL_PROPERTY for IS_KNOWN / IS_UNKNOWN) follow
// the OpenAPI's operation types, which the fake does not check further.
type listBranchJSON struct {
	FilterBranchType     string           `json:"filterBranchType"`
	FilterBranchOperator string           `json:"filterBranchOperator"`
	Filters              []listFilterJSON `json:"filters"`
	FilterBranches       []listBranchJSON `json:"filterBranches"`
}

type listFilterJSON struct {
	FilterType string            `json:"filterType"`
	Property   string            `json:"property"`
	Operation  listOperationJSON `json:"operation"`
}

type listOperationJSON struct {
	OperationType                string   `json:"operationType"`
	Operator                     string   `json:"operator"`
	Values                       []string `json:"values,omitempty"`
	IncludeObjectsWithNoValueSet bool     `json:"includeObjectsWithNoValueSet"`
}

func filterBranch(f []ListCondition) *listBranchJSON {
	and := listBranchJSON{FilterBranchType: "AND", FilterBranchOperator: "AND", FilterBranches: []listBranchJSON{}}
	for _, c := range f {
		op := listOperationJSON{OperationType: "MULTISTRING", Operator: c.Operator, Values: []string{c.Value}}
		switch c.Operator {
		case "":
			op.Operator = OpIsEqualTo
		case OpIsKnown, OpIsUnknown:
			op = listOperationJSON{OperationType: "ALL_PROPERTY", Operator: c.Operator}
		}
		and.Filters = append(and.Filters, listFilterJSON{FilterType: "PROPERTY", Property: c.Property, Operation: op})
	}
	return &listBranchJSON{FilterBranchType: "OR", FilterBranchOperator: "OR", Filters: []listFilterJSON{},
		FilterBranches: []listBranchJSON{and}}
}
